// What the server calls: from the catalog and every user's signals, each
// user's best picks with a reason. Pure computation, no I/O: the caller
// reads the signals and stores the picks (docs/pushes.md, "Recommender").
//
// The score is EASE (models.hpp) on the users' positives, blended with a
// tag and kind affinity so that cold start still works:
// - EASE is trained on every user's positives. At scoring time a user's
//   not-interested items join their history with a negative weight, so
//   their near neighbours are lowered.
// - Affinity: for each tag and kind, the share of the user's positives
//   carrying it. It counts for more when the user has few positives
//   (< kFewPositives) and is all a new item (no interactions) has.
// - A user with no positives in the catalog gets the most popular items.
// Never returned: the user's positives, not-interested items and excluded
// items. Every pick has a reason; the server words it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/recommend/interactions.hpp"
#include "core/recommend/models.hpp"

namespace mc::recommend {

struct ItemFeatures {
  std::string id;
  std::string kind;
  std::vector<std::string> tags;
  std::int64_t created_at = 0;  // newer first among equally popular items
};

struct UserHistory {
  std::string user;
  std::vector<std::pair<std::string, float>> positives;  // item id, weight (> 0)
  std::vector<std::string> not_interested;
  std::vector<std::string> exclude;  // already consumed or already pushed
};

struct Reason {
  enum class Kind {
    kBecause,   // `item`: the history item that contributes most
    kAffinity,  // `label`: a tag (or, label_is_kind, the kind) the user consumes a lot
    kPopular,
  };
  Kind kind = Kind::kPopular;
  std::string item;
  std::string label;
  bool label_is_kind = false;
};

struct Pick {
  std::string item;
  float score = 0;  // comparable within one user's picks only
  Reason reason;
};

struct UserPicks {
  std::string user;
  std::vector<Pick> picks;  // best first
};

struct RecommendOptions {
  std::size_t per_user = 20;
  float lambda = 500.0f;               // EASE's regularisation
  float not_interested_weight = 1.0f;  // enters the history as -this
  // The blend: score = EASE score / the user's best EASE score
  //                  + affinity_weight * affinity (0..1).
  float affinity_weight = 0.25f;           // a user with kFewPositives or more
  float cold_user_affinity_weight = 1.0f;  // fewer positives
  float new_item_affinity_weight = 0.5f;   // an item with no interactions (at least)
};

// Users with fewer positives lean more on affinity.
inline constexpr std::size_t kFewPositives = 3;

class Recommender {
 public:
  // Trains on every user's positives. Ids not in the catalog are ignored
  // (a removed item), as are positives with a weight not > 0.
  // Errors: kInvalidArgument "duplicate_item" (two catalog items with one
  // id), "invalid_lambda"; EaseModel::train's.
  static Result<Recommender> train(std::vector<ItemFeatures> catalog, std::span<const UserHistory> histories,
                                   const RecommendOptions& options);

  // Up to options.per_user picks, best first. `user` need not be one of the
  // trained histories. Safe to call from several threads at once.
  std::vector<Pick> recommend(const UserHistory& user) const;

 private:
  Recommender() = default;

  // The most popular items not `excluded`, with reason kPopular.
  std::vector<Pick> popular(const std::vector<unsigned char>& excluded) const;

  RecommendOptions options_;
  std::vector<ItemFeatures> catalog_;
  IdIndex items_;
  IdIndex labels_;                                     // tags and kinds, as label ids
  std::vector<std::vector<std::uint32_t>> item_tags_;  // label ids per item
  std::vector<std::uint32_t> item_kind_;               // label id per item
  std::vector<std::uint32_t> popularity_;              // users with the item among their positives
  std::vector<std::uint32_t> by_popularity_;           // items, most popular first
  EaseModel ease_;
};

// Recommender::train, then recommend for every history (in parallel).
Result<std::vector<UserPicks>> recommend_all(std::vector<ItemFeatures> catalog, std::span<const UserHistory> histories,
                                             const RecommendOptions& options);

}  // namespace mc::recommend
