#include "server/catalog/blob_gc.hpp"

#include <spdlog/spdlog.h>

namespace mc::catalog {

namespace {
constexpr int kBatch = 500;
}  // namespace

Result<GcOutcome> collect_blobs(store::CatalogStore& catalog, BlobStore& blobs, std::int64_t grace_ms,
                                std::int64_t now_ms) {
  GcOutcome out;
  std::int64_t older_than = now_ms - grace_ms;
  for (;;) {
    // Under the lock no upload is between its commit and its record, so a
    // blob found unreferenced and old here cannot be one just stored again.
    MC_TRY(auto held, blobs.lock(true));
    MC_TRY(auto candidates, catalog.unreferenced_blobs(older_than, kBatch));
    if (candidates.empty()) break;
    std::vector<std::pair<std::string, std::int64_t>> sized;
    for (const auto& sha : candidates) {
      MC_TRY(auto size, catalog.blob_size(sha));
      sized.emplace_back(sha, size.value_or(0));
    }
    // The rows go first: a crash between leaves files no row names, which
    // the store never serves; a row without its file would be served broken.
    MC_TRY_STATUS(catalog.delete_blobs(candidates));
    int removed = 0;
    for (const auto& [sha, size] : sized) {
      MC_TRY(auto still, catalog.blob_size(sha));
      if (still) continue;  // a publish named it meanwhile: kept
      MC_TRY_STATUS(blobs.remove(sha));
      spdlog::info("event=blob_collected sha256={} size={}", sha, size);
      ++removed;
      ++out.blobs;
      out.bytes += size;
    }
    if (removed == 0 || static_cast<int>(candidates.size()) < kBatch) break;
  }
  return out;
}

}  // namespace mc::catalog
