#include "server/accounts/account_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/network_id.hpp"
#include "core/random.hpp"
#include "server/accounts/passwords.hpp"
#include "server/accounts/tokens.hpp"
#include "server/net/http_error.hpp"

namespace mc::accounts {

namespace json = boost::json;
using net::error_response;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

json::object user_json(const std::string& network_id, const std::string& role, std::int64_t created_at) {
  return {{"network_id", network_id}, {"role", role}, {"created_at", created_at}};
}

}  // namespace

Result<store::User> create_account(store::AccountStore& accounts, const std::string& network_id,
                                   const std::string& password, const std::string& role) {
  if (auto st = validate_network_id(network_id); !st) return st.error();
  if (auto st = validate_password(password); !st) return st.error();
  auto hash = hash_password(password);
  if (!hash) return hash.error();
  return accounts.create_user(network_id, *hash, role);
}

void register_account_routes(net::Router& router, store::AccountStore& accounts, Authenticator& auth,
                             AccountOptions opts) {
  router.add("POST", "/v1/accounts", [&accounts](HttpRequest& req) -> HttpResponse {
    auto body = parse_json_object(req.body);
    if (!body) return error_response(body.error());
    auto id = string_field(*body, "network_id", true, 64);
    if (!id) return error_response(id.error());
    auto pw = string_field(*body, "password", true, 4096);
    if (!pw) return error_response(pw.error());
    auto user = create_account(accounts, **id, **pw, "user");
    if (!user) return error_response(user.error());
    spdlog::info("event=account_created network_id={}", user->network_id);
    return json_response(201, {{"user", user_json(user->network_id, user->role, user->created_at)}});
  });

  router.add("POST", "/v1/sessions", [&accounts, opts](HttpRequest& req) -> HttpResponse {
    auto body = parse_json_object(req.body);
    if (!body) return error_response(body.error());
    auto id = string_field(*body, "network_id", true, 64);
    if (!id) return error_response(id.error());
    auto pw = string_field(*body, "password", true, 4096);
    if (!pw) return error_response(pw.error());
    auto device = string_field(*body, "device", false, 64);
    if (!device) return error_response(device.error());

    auto user = accounts.find_user(**id);
    // One answer for "no such user" and "wrong password", after the same
    // work, so that logins cannot be used to list who has an account.
    auto invalid = Error::unauthenticated("invalid_credentials", "wrong network ID or password");
    if (!user) {
      if (!user.error().is(ErrorKind::kNotFound)) return error_response(user.error());
      burn_verification_time(**pw);
      return error_response(invalid);
    }
    if (!verify_password(user->password_hash, **pw)) return error_response(invalid);

    std::string device_id = device->value_or("");
    if (device_id.empty()) device_id = new_id("d_");
    std::string token = new_token();
    std::int64_t expires = now_ms() + opts.token_ttl_ms;
    if (auto st = accounts.create_session(token_hash(token), user->id, device_id, expires); !st) {
      return error_response(st.error());
    }
    return json_response(201, {{"token", token},
                               {"expires_at", expires},
                               {"device_id", device_id},
                               {"user", user_json(user->network_id, user->role, user->created_at)}});
  });

  router.add("DELETE", "/v1/sessions/current", [&auth](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    if (auto st = auth.log_out(req); !st) return error_response(st.error());
    HttpResponse r;
    r.status = 204;
    return r;
  });

  router.add("GET", "/v1/me", [&accounts, &auth](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    auto user = accounts.find_user(caller->network_id);
    if (!user) return error_response(user.error());
    auto j = user_json(user->network_id, user->role, user->created_at);
    j["device_id"] = caller->device_id;
    j["settings"] = json::object{{"send_receipts", user->send_receipts}};
    return json_response(200, {{"user", j}});
  });

  router.add("PUT", "/v1/me/settings", [&accounts, &auth](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    auto body = parse_json_object(req.body);
    if (!body) return error_response(body.error());
    if (const auto* v = body->if_contains("send_receipts")) {
      if (!v->is_bool()) {
        return error_response(Error::invalid_argument("invalid_field", "field 'send_receipts' must be true or false"));
      }
      if (auto st = accounts.set_send_receipts(caller->user_id, v->as_bool()); !st) return error_response(st.error());
    }
    auto user = accounts.find_user(caller->network_id);
    if (!user) return error_response(user.error());
    return json_response(200, {{"settings", {{"send_receipts", user->send_receipts}}}});
  });
}

}  // namespace mc::accounts
