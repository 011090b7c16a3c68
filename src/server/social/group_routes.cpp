#include "server/social/group_routes.hpp"

#include <boost/json.hpp>

#include "core/json_fields.hpp"
#include "server/accounts/user_lookup.hpp"
#include "server/net/http_error.hpp"

namespace mc::social {

namespace json = boost::json;
using net::error_response;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

json::object group_json(const store::Group& g) {
  json::array members;
  for (const auto& m : g.members) members.emplace_back(m.network_id);
  return {{"name", g.name}, {"members", members}, {"created_at", g.created_at}};
}

HttpResponse group_answer(int status, const Result<store::Group>& g) {
  if (!g) return error_response(g.error());
  return json_response(status, {{"group", group_json(*g)}});
}

// The users named by the body's "members" array (required or not).
Result<std::vector<std::int64_t>> member_ids(store::AccountStore& accounts, const json::object& body, bool required) {
  auto names = string_list_field(body, "members", required, kMaxGroupMembers, 64);
  if (!names) return names.error();
  std::vector<std::int64_t> ids;
  if (!*names) return ids;
  auto users = accounts::resolve_users(accounts, **names, "unknown_user");
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

void register_group_routes(net::Router& router, store::AccountStore& accounts, store::GroupStore& groups,
                           const accounts::Authenticator& auth) {
  router.add("POST", "/v1/groups", [&](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    auto body = parse_json_object(req.body);
    if (!body) return error_response(body.error());
    auto name = string_field(*body, "name", true, 64);
    if (!name) return error_response(name.error());
    if (auto st = validate_group_name(**name); !st) return error_response(st.error());
    auto ids = member_ids(accounts, *body, false);
    if (!ids) return error_response(ids.error());
    return group_answer(201, groups.create_group(caller->user_id, **name, *ids));
  });

  router.add("GET", "/v1/groups", [&](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    auto list = groups.list_groups(caller->user_id);
    if (!list) return error_response(list.error());
    json::array arr;
    for (const auto& g : *list) arr.emplace_back(group_json(g));
    return json_response(200, {{"groups", arr}});
  });

  router.add("GET", "/v1/groups/{name}", [&](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    return group_answer(200, groups.get_group(caller->user_id, req.path_params["name"]));
  });

  router.add("POST", "/v1/groups/{name}/members", [&](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    auto body = parse_json_object(req.body);
    if (!body) return error_response(body.error());
    auto ids = member_ids(accounts, *body, true);
    if (!ids) return error_response(ids.error());
    return group_answer(200, groups.add_group_members(caller->user_id, req.path_params["name"], *ids));
  });

  router.add("DELETE", "/v1/groups/{name}/members/{network_id}", [&](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    auto users = accounts::resolve_users(accounts, {req.path_params["network_id"]}, "unknown_user");
    if (!users) return error_response(users.error());
    return group_answer(200, groups.remove_group_members(caller->user_id, req.path_params["name"], {users->front().id}));
  });

  router.add("DELETE", "/v1/groups/{name}", [&](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    if (auto st = groups.delete_group(caller->user_id, req.path_params["name"]); !st) return error_response(st.error());
    HttpResponse r;
    r.status = 204;
    return r;
  });
}

}  // namespace mc::social
