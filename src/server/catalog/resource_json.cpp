#include "server/catalog/resource_json.hpp"

#include <boost/json.hpp>

namespace mc::catalog {

boost::json::object resource_json(const store::Resource& r) {
  boost::json::array tags;
  for (const auto& t : r.tags) tags.emplace_back(t);
  return {{"id", r.id},       {"type", r.type},         {"title", r.title},
          {"tags", tags},     {"sha256", r.sha256},     {"size", r.size},
          {"mime", r.mime},   {"filename", r.filename}, {"publisher", r.publisher},
          {"created_at", r.created_at}};
}

}  // namespace mc::catalog
