// msgcenterd gc: removes blobs that no resource names (published or
// unpublished) once they are older than a grace period, so that a blob
// uploaded but not yet published is kept. Runs beside a live server: uploads
// in flight sit in BLOBS/tmp/ and are never looked at, and each batch holds
// the blob store's exclusive lock (BlobLock), which an upload holds shared
// from its commit until its blob is recorded. Handler packages
// (BLOBS/handlers/) are not blobs and are never touched.
#pragma once

#include <cstdint>
#include <ostream>

#include "core/error.hpp"
#include "server/catalog/blob_store.hpp"
#include "store/catalog_store.hpp"

namespace mc::catalog {

struct GcOutcome {
  std::int64_t blobs = 0;
  std::int64_t bytes = 0;
};

Result<GcOutcome> collect_blobs(store::CatalogStore& catalog, BlobStore& blobs, std::int64_t grace_ms,
                                std::int64_t now_ms);

}  // namespace mc::catalog
