// The recommender as the server runs it (docs/pushes.md "Recommender"):
// reads the signals and the catalog, trains, and stores each active user's
// picks with their reasons. Run by the scheduler and by
// `msgcenterd recommend`.
#pragma once

#include <cstdint>

#include "core/error.hpp"
#include "store/catalog_store.hpp"
#include "store/push_store.hpp"

namespace mc::push {

struct RecommendReport {
  std::int64_t users = 0;      // users with picks stored
  std::int64_t resources = 0;  // resources in the catalog
  std::int64_t signals = 0;    // signals read
  double train_seconds = 0;
};

// Signals of the last `window_days` count; at most `per_user` picks each.
Result<RecommendReport> run_recommender(store::PushStore& pushes, store::CatalogStore& catalog, std::int64_t now_ms,
                                        int window_days = 180, int per_user = 20);

}  // namespace mc::push
