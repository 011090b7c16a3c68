#include "server/social/group_routes.hpp"

#include <boost/json.hpp>

#include "core/json_fields.hpp"
#include "core/wire/codec.hpp"
#include "server/accounts/user_lookup.hpp"
#include "server/net/http_error.hpp"

namespace mc::social {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

// The group as the protocol shows it: members by network ID.
json::object group_json(const store::Group& g) {
  wire::Group out{g.name, {}, g.created_at};
  for (const auto& m : g.members) out.members.push_back(m.network_id);
  return wire::to_json(out);
}

Result<HttpResponse> group_answer(int status, const Result<store::Group>& g) {
  if (!g) return g.error();
  return json_response(status, {{"group", group_json(*g)}});
}

// The users named by the body's "members" array (required or not).
Result<std::vector<std::int64_t>> member_ids(store::AccountStore& accounts, const json::object& body, bool required) {
  MC_TRY(auto names, string_list_field(body, "members", required, kMaxGroupMembers, 64));
  std::vector<std::int64_t> ids;
  if (!names) return ids;
  auto users = accounts::resolve_users(accounts, *names, "unknown_user");
  if (!users) return users.error();
  for (const auto& u : *users) ids.push_back(u.id);
  return ids;
}

}  // namespace

Status validate_group_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 32;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-');
  }
  if (!ok) return Error::invalid_argument("invalid_group_name", "a group name has 1 to 32 of a-z, 0-9, '_', '.', '-'");
  return {};
}

namespace {

Result<HttpResponse> create_group(GroupContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto name, string_field(body, "name", true, 64));
  MC_TRY_STATUS(validate_group_name(*name));
  MC_TRY(auto ids, member_ids(c.accounts, body, false));
  return group_answer(201, c.groups.create_group(req.user().user_id, *name, ids));
}

Result<HttpResponse> list_groups(GroupContext& c, HttpRequest& req) {
  MC_TRY(auto list, c.groups.list_groups(req.user().user_id));
  json::array arr;
  for (const auto& g : list) arr.emplace_back(group_json(g));
  return json_response(200, {{"groups", arr}});
}

Result<HttpResponse> add_members(GroupContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto ids, member_ids(c.accounts, body, true));
  return group_answer(200, c.groups.add_group_members(req.user().user_id, req.path_params["name"], ids));
}

Result<HttpResponse> remove_member(GroupContext& c, HttpRequest& req) {
  MC_TRY(auto users, accounts::resolve_users(c.accounts, {req.path_params["network_id"]}, "unknown_user"));
  return group_answer(200,
                      c.groups.remove_group_members(req.user().user_id, req.path_params["name"], {users.front().id}));
}

Result<HttpResponse> delete_group(GroupContext& c, HttpRequest& req) {
  MC_TRY_STATUS(c.groups.delete_group(req.user().user_id, req.path_params["name"]));
  HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace

void register_group_routes(net::Router& router, GroupContext& c) {
  using net::Access;
  router.add("POST", "/v1/groups", Access::kUser, [&c](HttpRequest& req) { return create_group(c, req); });
  router.add("GET", "/v1/groups", Access::kUser, [&c](HttpRequest& req) { return list_groups(c, req); });
  router.add("GET", "/v1/groups/{name}", Access::kUser, [&c](HttpRequest& req) -> Result<HttpResponse> {
    return group_answer(200, c.groups.get_group(req.user().user_id, req.path_params["name"]));
  });
  router.add("POST", "/v1/groups/{name}/members", Access::kUser,
             [&c](HttpRequest& req) { return add_members(c, req); });
  router.add("DELETE", "/v1/groups/{name}/members/{network_id}", Access::kUser,
             [&c](HttpRequest& req) { return remove_member(c, req); });
  router.add("DELETE", "/v1/groups/{name}", Access::kUser, [&c](HttpRequest& req) { return delete_group(c, req); });
}

}  // namespace mc::social
