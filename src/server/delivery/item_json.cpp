#include "server/delivery/item_json.hpp"

#include <boost/json.hpp>

#include "server/catalog/resource_json.hpp"

namespace mc::delivery {

boost::json::object item_json(const store::InboxItem& it) {
  return {{"id", it.id},
          {"seq", it.seq},
          {"kind", it.kind},
          {"share_id", it.share_id},
          {"sender", it.sender},
          {"note", it.note},
          {"created_at", it.created_at},
          {"resource_id", it.resource.id},
          {"resource", catalog::resource_json(it.resource)}};
}

}  // namespace mc::delivery
