#include "client/social/groups.hpp"

#include <boost/json.hpp>

#include "client/transport/url.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace json = boost::json;

Result<wire::Group> create_group(Connection& conn, const std::string& name, const std::vector<std::string>& members) {
  json::value body = {{"name", name}, {"members", json::value_from(members)}};
  MC_TRY(auto answer, conn.call("POST", "/v1/groups", &body));
  return wire::from_json<wire::Group>(answer, "group");
}

Result<wire::Group> add_to_group(Connection& conn, const std::string& name, const std::vector<std::string>& members) {
  json::value body = {{"members", json::value_from(members)}};
  MC_TRY(auto answer, conn.call("POST", "/v1/groups/" + url_encode(name) + "/members", &body));
  return wire::from_json<wire::Group>(answer, "group");
}

Result<wire::Group> remove_from_group(Connection& conn, const std::string& name,
                                      const std::vector<std::string>& members) {
  if (members.empty()) return Error::invalid_argument("missing_field", "name at least one member to remove");
  json::value answer;
  for (const auto& m : members) {
    MC_TRY(answer, conn.call("DELETE", "/v1/groups/" + url_encode(name) + "/members/" + url_encode(m)));
  }
  return wire::from_json<wire::Group>(answer, "group");
}

Result<std::vector<wire::Group>> list_groups(Connection& conn) {
  MC_TRY(auto answer, conn.call("GET", "/v1/groups"));
  const auto* list = answer.is_object() ? answer.as_object().if_contains("groups") : nullptr;
  if (!list || !list->is_array()) {
    return Error{ErrorKind::kInternal, "unexpected_answer", "unexpected answer from the server: no 'groups' list"};
  }
  std::vector<wire::Group> out;
  for (const auto& g : list->as_array()) {
    MC_TRY(auto group, wire::from_json<wire::Group>(g));
    out.push_back(std::move(group));
  }
  return out;
}

Status delete_group(Connection& conn, const std::string& name) {
  MC_TRY_STATUS(conn.call("DELETE", "/v1/groups/" + url_encode(name)));
  return {};
}

}  // namespace mc::client
