#include "client/social/groups.hpp"

#include <boost/json.hpp>

namespace mc::client {

namespace json = boost::json;

Result<json::object> create_group(Connection& conn, const std::string& name, const std::vector<std::string>& members) {
  json::value body = {{"name", name}, {"members", json::value_from(members)}};
  auto r = conn.call("POST", "/v1/groups", &body);
  if (!r) return r.error();
  return r->at("group").as_object();
}

Result<json::object> add_to_group(Connection& conn, const std::string& name, const std::vector<std::string>& members) {
  json::value body = {{"members", json::value_from(members)}};
  auto r = conn.call("POST", "/v1/groups/" + url_encode(name) + "/members", &body);
  if (!r) return r.error();
  return r->at("group").as_object();
}

Result<json::object> remove_from_group(Connection& conn, const std::string& name,
                                       const std::vector<std::string>& members) {
  Result<json::value> r = Error::invalid_argument("missing_field", "name at least one member to remove");
  for (const auto& m : members) {
    r = conn.call("DELETE", "/v1/groups/" + url_encode(name) + "/members/" + url_encode(m));
    if (!r) return r.error();
  }
  if (!r) return r.error();
  return r->at("group").as_object();
}

Result<std::vector<json::object>> list_groups(Connection& conn) {
  auto r = conn.call("GET", "/v1/groups");
  if (!r) return r.error();
  std::vector<json::object> out;
  for (const auto& g : r->at("groups").as_array()) out.push_back(g.as_object());
  return out;
}

Status delete_group(Connection& conn, const std::string& name) {
  auto r = conn.call("DELETE", "/v1/groups/" + url_encode(name));
  if (!r) return r.error();
  return {};
}

}  // namespace mc::client
