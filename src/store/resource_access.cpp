#include "store/resource_access.hpp"

#include "store/rules/access_rules.hpp"

namespace mc::store {

Result<Resource> readable_resource(CatalogStore& catalog, DeliveryStore& delivery, const std::string& id,
                                   std::int64_t reader_id, std::int64_t now_ms) {
  MC_TRY(auto facts, catalog.access_facts(id, reader_id));
  std::optional<std::int64_t> received;
  if (rules::needs_share_fact(facts, reader_id)) {
    MC_TRY(received, delivery.received_share_at(reader_id, id));
  }
  MC_TRY_STATUS(rules::check_read(facts, reader_id, received, now_ms));
  return std::move(facts.resource);
}

}  // namespace mc::store
