// Loads what the access rules need (store/rules/access_rules.hpp) and applies
// them: the one entry point every read of a resource's content goes through.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"

namespace mc::store {

// The resource `id` when `reader_id` may read it now. Errors:
// resource_not_found, resource_gone (410), access_denied (403).
Result<Resource> readable_resource(CatalogStore& catalog, DeliveryStore& delivery, const std::string& id,
                                   std::int64_t reader_id, std::int64_t now_ms);

}  // namespace mc::store
