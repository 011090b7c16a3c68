// Routes of the catalog: blob upload, publishing, listing, describing and
// downloading resources (mission 1a).
#pragma once

#include <cstdint>

#include "server/accounts/authenticator.hpp"
#include "server/catalog/blob_store.hpp"
#include "server/net/router.hpp"
#include "store/catalog_store.hpp"

namespace mc::catalog {

struct CatalogOptions {
  std::uint64_t upload_limit = 4ull << 30;
};

void register_catalog_routes(net::Router& router, store::CatalogStore& catalog, BlobStore& blobs,
                             const accounts::Authenticator& auth, CatalogOptions opts);

// Publishes a resource whose blob is already stored; used by the route and by
// demo seeding. Fills id, created_at, and defaults for mime and filename.
Result<store::Resource> publish_resource(store::CatalogStore& catalog, store::Resource r, std::int64_t publisher_id);

}  // namespace mc::catalog
