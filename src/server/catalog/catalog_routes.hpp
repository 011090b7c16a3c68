// Routes of the catalog: blob upload, publishing, listing, describing and
// downloading resources (mission 1a). Registered by catalog_area.cpp.
#pragma once

#include <cstdint>

#include "server/catalog/blob_store.hpp"
#include "server/catalog/ranked_cache.hpp"
#include "server/net/router.hpp"
#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"
#include "store/push_store.hpp"

namespace mc::catalog {

// Lives as long as the area: routes hold it by reference.
struct CatalogContext {
  store::CatalogStore& catalog;
  store::DeliveryStore& deliveries;  // shares give access to restricted resources
  store::AccountStore& accounts;     // grants name users
  BlobStore& blobs;
  std::uint64_t upload_limit = 0;       // bytes, the server's upload_limit
  std::string cursor_key;               // signs page cursors (catalog_secrets)
  std::string link_key;                 // signs download links (catalog_secrets)
  RankedCache ranked = {};              // recent rankings of this node
  PageCache pages = {};                 // recent listing pages of this node
  store::PushStore* signals = nullptr;  // taste signals (docs/pushes.md); none in tools that only serve bytes
};

void register_catalog_routes(net::Router& router, CatalogContext& c);

// Publishes a resource whose blob is already stored; used by the route and by
// demo seeding. Fills id, created_at, and defaults for mime and filename;
// checks the type, the title and the attributes (r.attributes: JSON text).
Result<store::Resource> publish_resource(store::CatalogStore& catalog, store::Resource r, std::int64_t publisher_id);

}  // namespace mc::catalog
