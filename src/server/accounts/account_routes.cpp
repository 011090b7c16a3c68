#include "server/accounts/account_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/network_id.hpp"
#include "core/random.hpp"
#include "core/wire/codec.hpp"
#include "server/accounts/passwords.hpp"
#include "server/accounts/tokens.hpp"
#include "server/net/http_error.hpp"

namespace mc::accounts {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

// The user as the protocol shows it (never the password hash).
wire::User to_wire(const store::User& u) { return wire::User{u.network_id, u.role, u.created_at, {}, {}}; }

Result<HttpResponse> register_user(AccountContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto id, string_field(body, "network_id", true, 64));
  MC_TRY(auto pw, string_field(body, "password", true, 4096));
  MC_TRY(auto user, create_account(c.accounts, *id, *pw, Role::kUser));
  spdlog::info("event=account_created network_id={}", user.network_id);
  return json_response(201, {{"user", wire::to_json(to_wire(user))}});
}

Result<HttpResponse> log_in(AccountContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto id, string_field(body, "network_id", true, 64));
  MC_TRY(auto pw, string_field(body, "password", true, 4096));
  MC_TRY(auto device, string_field(body, "device", false, 64));
  auto user = c.accounts.find_user(*id);
  // One answer for "no such user" and "wrong password", after the same
  // work, so that logins cannot be used to list who has an account.
  auto invalid = Error::unauthenticated("invalid_credentials", "wrong network ID or password");
  if (!user) {
    if (!user.error().is(ErrorKind::kNotFound)) return user.error();
    burn_verification_time(*pw);
    return invalid;
  }
  if (!verify_password(user->password_hash, *pw)) return invalid;
  std::string device_id = device.value_or("");
  if (device_id.empty()) device_id = new_id("d_");
  std::string token = new_token();
  std::int64_t expires = now_ms() + c.token_ttl_seconds * 1000;
  MC_TRY_STATUS(c.accounts.create_session(token_hash(token), user->id, device_id, expires));
  return json_response(201, wire::to_json(wire::Login{token, expires, device_id, to_wire(*user)}));
}

Result<HttpResponse> log_out(AccountContext& c, HttpRequest& req) {
  MC_TRY_STATUS(c.auth.log_out(req));
  HttpResponse r;
  r.status = 204;
  return r;
}

Result<HttpResponse> who_am_i(AccountContext& c, HttpRequest& req) {
  MC_TRY(auto user, c.accounts.find_user(req.user().network_id));
  auto u = to_wire(user);
  u.device_id = req.user().device_id;
  u.settings = wire::Settings{user.send_receipts};
  return json_response(200, {{"user", wire::to_json(u)}});
}

// DELETE /v1/me: closes the account, with the password as proof that the
// person at the keyboard owns it (a stolen token alone cannot).
Result<HttpResponse> close_account(AccountContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto pw, string_field(body, "password", true, 4096));
  MC_TRY(auto user, c.accounts.find_user(req.user().network_id));
  if (!verify_password(user.password_hash, *pw)) {
    return Error::permission_denied("wrong_password", "the password is not this account's");
  }
  MC_TRY_STATUS(c.stores->close_account(user.id, now_ms()));
  // This token ends at once; the account's other tokens find no session
  // once their cached one (Authenticator::Options::cache_ms) runs out.
  (void)c.auth.log_out(req);
  spdlog::info("event=account_closed network_id={}", user.network_id);
  HttpResponse r;
  r.status = 204;
  return r;
}

Result<HttpResponse> change_settings(AccountContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  if (const auto* v = body.if_contains("send_receipts")) {
    if (!v->is_bool()) return Error::invalid_argument("invalid_field", "field 'send_receipts' must be true or false");
    MC_TRY_STATUS(c.accounts.set_send_receipts(req.user().user_id, v->as_bool()));
  }
  MC_TRY(auto user, c.accounts.find_user(req.user().network_id));
  return json_response(200, {{"settings", wire::to_json(wire::Settings{user.send_receipts})}});
}

}  // namespace

Result<store::User> create_account(store::AccountStore& accounts, const std::string& network_id,
                                   const std::string& password, Role role) {
  MC_TRY_STATUS(validate_network_id(network_id));
  MC_TRY_STATUS(validate_password(password));
  MC_TRY(auto hash, hash_password(password));
  return accounts.create_user(network_id, hash, role);
}

void register_account_routes(net::Router& router, AccountContext& c) {
  using net::Access;
  router.add("POST", "/v1/accounts", Access::kPublic, [&c](HttpRequest& req) { return register_user(c, req); });
  router.add("POST", "/v1/sessions", Access::kPublic, [&c](HttpRequest& req) { return log_in(c, req); });
  router.add("DELETE", "/v1/sessions/current", Access::kUser, [&c](HttpRequest& req) { return log_out(c, req); });
  router.add("GET", "/v1/me", Access::kUser, [&c](HttpRequest& req) { return who_am_i(c, req); });
  router.add("PUT", "/v1/me/settings", Access::kUser, [&c](HttpRequest& req) { return change_settings(c, req); });
  router.add("DELETE", "/v1/me", Access::kUser, [&c](HttpRequest& req) { return close_account(c, req); });
}

}  // namespace mc::accounts
