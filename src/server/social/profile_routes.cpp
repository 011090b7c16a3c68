// GET/PUT /v1/me/profile; POST /v1/me/identifiers (a code goes out),
// POST /v1/me/identifiers/verify, DELETE /v1/me/identifiers/{kind}.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/contacts/identifiers.hpp"
#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "server/accounts/user_lookup.hpp"
#include "server/net/http_error.hpp"
#include "server/social/social_routes.hpp"

namespace mc::social {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

constexpr std::int64_t kCodeLifetimeMs = 15 * 60 * 1000;
constexpr std::size_t kMaxDisplayName = 64;
// Codes sent per account: a few retries, not a way to message strangers.
const RateLimiter::Limit kCodeSends{5, 5.0 / 3600};
// Codes sent to one number or address, whoever asks: each code allows five
// guesses, so this bounds the guesses at anyone's number, however many
// accounts try (50 a day: one in 20,000 of the six-digit codes).
const RateLimiter::Limit kCodesPerDestination{10, 10.0 / 86400};

json::object identifier_json(const store::Identifier& id) {
  json::object o{{"kind", id.kind}, {"value", id.value}};
  if (id.verified_at) {
    o["status"] = "verified";
    o["verified_at"] = *id.verified_at;
  } else {
    o["status"] = "pending";
    o["expires_at"] = id.expires_at;
  }
  return o;
}

Result<json::object> profile_json(SocialContext& c, std::int64_t user_id, const store::Profile& p) {
  json::array findable;
  if (p.findable_by_phone) findable.emplace_back("phone");
  if (p.findable_by_email) findable.emplace_back("email");
  MC_TRY(auto ids, c.social.identifiers(user_id));
  json::array identifiers;
  std::int64_t now = now_ms();
  for (const auto& id : ids) {
    if (!id.verified_at && id.expires_at < now) continue;  // a code no longer good is no pending identifier
    identifiers.emplace_back(identifier_json(id));
  }
  return json::object{{"display_name", p.display_name},
                      {"region", p.region},
                      {"findable", std::move(findable)},
                      {"who_may_share", store::reach_name(p.who_may_share)},
                      {"who_may_request", store::reach_name(p.who_may_request)},
                      {"identifiers", std::move(identifiers)}};
}

Result<HttpResponse> get_profile(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto p, c.social.profile(req.user().user_id));
  MC_TRY(auto o, profile_json(c, req.user().user_id, p));
  return json_response(200, {{"profile", std::move(o)}});
}

Result<store::Reach> reach_field(const json::object& body, std::string_view name,
                                 std::initializer_list<store::Reach> allowed) {
  const auto* v = body.if_contains(name);
  std::string names;
  for (auto r : allowed) names += (names.empty() ? "" : ", ") + std::string(store::reach_name(r));
  if (v->is_string()) {
    auto r = store::parse_reach(v->as_string());
    for (auto a : allowed) {
      if (r == a) return a;
    }
  }
  return Error::invalid_argument("invalid_field", "field '" + std::string(name) + "' is one of: " + names);
}

Result<store::ProfileChange> parse_profile_change(const json::object& body) {
  MC_TRY_STATUS(only_fields(body, {"display_name", "region", "findable", "who_may_share", "who_may_request"}));
  store::ProfileChange ch;
  MC_TRY(ch.display_name, string_field(body, "display_name", false, kMaxDisplayName));
  if (ch.display_name) MC_TRY_STATUS(check_printable("display_name", *ch.display_name));
  MC_TRY(auto region, string_field(body, "region", false, 8));
  if (region) {
    std::string upper = *region;
    for (auto& ch2 : upper) ch2 = static_cast<char>(std::toupper(static_cast<unsigned char>(ch2)));
    if (!upper.empty() && !contacts::is_region_code(upper)) {
      return Error::invalid_argument("invalid_region",
                                     "'" + *region + "' is no region code (ISO 3166 alpha-2, such as DE or US)");
    }
    ch.region = upper;
  }
  MC_TRY(auto findable, string_list_field(body, "findable", false, 2, 8));
  if (findable) {
    ch.findable_by_phone = false;
    ch.findable_by_email = false;
    for (const auto& f : *findable) {
      if (f == "phone") ch.findable_by_phone = true;
      else if (f == "email") ch.findable_by_email = true;
      else return Error::invalid_argument("invalid_field", "field 'findable' lists \"phone\" and/or \"email\"");
    }
  }
  using store::Reach;
  if (body.contains("who_may_share")) {
    MC_TRY(ch.who_may_share, reach_field(body, "who_may_share", {Reach::kEveryone, Reach::kContacts, Reach::kFriends}));
  }
  if (body.contains("who_may_request")) {
    MC_TRY(ch.who_may_request,
           reach_field(body, "who_may_request", {Reach::kEveryone, Reach::kContacts, Reach::kNobody}));
  }
  return ch;
}

Result<HttpResponse> put_profile(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto change, parse_profile_change(body));
  MC_TRY(auto p, c.social.change_profile(req.user().user_id, change));
  MC_TRY(auto o, profile_json(c, req.user().user_id, p));
  return json_response(200, {{"profile", std::move(o)}});
}

std::string code_hash(std::int64_t user_id, const std::string& kind, const std::string& value,
                      const std::string& code) {
  return sha256_hex(std::to_string(user_id) + "\n" + kind + "\n" + value + "\n" + code);
}

std::string new_code() {
  // Six digits, uniform (randombytes_uniform has no modulo bias).
  std::string s = std::to_string(randombytes_uniform(1000000));
  return std::string(6 - s.size(), '0') + s;
}

HttpResponse too_many(const Error& e, std::int64_t retry_after) {
  HttpResponse res = net::error_response(e);
  res.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return res;
}

Result<HttpResponse> add_identifier(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY_STATUS(only_fields(body, {"kind", "value"}));
  MC_TRY(auto kind_name, string_field(body, "kind", true, 16));
  MC_TRY(auto raw, string_field(body, "value", true, 320));
  auto kind = contacts::parse_identifier_kind(*kind_name);
  if (!kind) return Error::invalid_argument("invalid_field", "field 'kind' is \"phone\" or \"email\"");
  MC_TRY(auto profile, c.social.profile(req.user().user_id));
  MC_TRY(auto value, contacts::normalize_identifier(*kind, *raw, profile.region));
  if (auto wait = c.code_sends.take({{"account:" + std::to_string(req.user().user_id), kCodeSends},
                                     {"to:" + std::string(*kind_name) + ":" + value, kCodesPerDestination}},
                                    1, now_ms())) {
    return too_many(Error::resource_exhausted("rate_limited", "too many codes sent: try again later"), *wait);
  }
  std::string code = new_code();
  store::PendingCode pending{std::string(*kind_name), value, code_hash(req.user().user_id, *kind_name, value, code),
                             now_ms() + kCodeLifetimeMs, 0};
  MC_TRY_STATUS(c.social.put_pending_code(req.user().user_id, pending));
  c.codes->send(req.user().network_id, *kind_name, value, code);
  store::Identifier shown{*kind_name, value, std::nullopt, pending.expires_at};
  return json_response(202, {{"identifier", identifier_json(shown)}});
}

Result<HttpResponse> verify_identifier(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY_STATUS(only_fields(body, {"code"}));
  MC_TRY(auto code, string_field(body, "code", true, 16));
  const auto& me = req.user();
  // The attempt is spent before the comparison, in one write: parallel
  // guesses cannot share one.
  MC_TRY(auto pending, c.social.take_verification_attempt(me.user_id));
  if (pending.empty()) {
    return Error::not_found("no_pending_code",
                            "no code is waiting (or its attempts are used up): add the phone number or e-mail "
                            "address again for a new code");
  }
  std::int64_t now = now_ms();
  for (const auto& p : pending) {
    std::string expected = code_hash(me.user_id, p.kind, p.value, *code);
    if (sodium_memcmp(expected.data(), p.code_hash.data(), std::min(expected.size(), p.code_hash.size())) != 0 ||
        expected.size() != p.code_hash.size()) {
      continue;
    }
    if (p.expires_at < now) {
      return Error::not_found("code_expired", "that code has expired: ask for a new one");
    }
    auto kind = contacts::parse_identifier_kind(p.kind);
    std::string tag = to_hex(contacts::oprf::server_tag(c.oprf_key, contacts::identifier_key(*kind, p.value)));
    MC_TRY_STATUS(c.social.confirm_identifier(me.user_id, p.kind, p.value, p.code_hash, tag, now));
    spdlog::info("event=identifier_verified network_id={} kind={}", me.network_id, p.kind);
    store::Identifier shown{p.kind, p.value, now, 0};
    return json_response(200, {{"identifier", identifier_json(shown)}});
  }
  bool all_expired = true;
  int left = 0;
  for (const auto& p : pending) {
    all_expired = all_expired && p.expires_at < now;
    left = std::max(left, store::kMaxVerificationAttempts - p.attempts);
  }
  if (all_expired) return Error::not_found("code_expired", "that code has expired: ask for a new one");
  if (left <= 0) {
    return Error::invalid_argument("invalid_code", "wrong code, and no attempts are left: ask for a new code");
  }
  return Error::invalid_argument("invalid_code", "wrong code (" + std::to_string(left) + " attempts left)");
}

Result<HttpResponse> remove_identifier(SocialContext& c, HttpRequest& req) {
  const std::string& kind = req.path_params["kind"];
  if (!contacts::parse_identifier_kind(kind)) {
    return Error::not_found("identifier_not_found", "an identifier is \"phone\" or \"email\"");
  }
  MC_TRY_STATUS(c.social.remove_identifier(req.user().user_id, kind));
  HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace

json::object person_json(const store::Person& p) {
  return {{"network_id", p.network_id}, {"display_name", p.display_name}, {"since", p.since}};
}

Status check_printable(std::string_view field, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto b = static_cast<unsigned char>(text[i]);
    bool c1 = b == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (b < 0x20 || b == 0x7F || c1) {
      return Error::invalid_argument("invalid_field",
                                     "field '" + std::string(field) + "' must not hold control characters");
    }
  }
  return {};
}

Status only_fields(const json::object& body, std::initializer_list<std::string_view> known) {
  for (const auto& kv : body) {
    bool ok = false;
    for (auto k : known) ok = ok || kv.key() == k;
    if (!ok) return Error::invalid_argument("unknown_field", "unknown field '" + std::string(kv.key()) + "'");
  }
  return {};
}

Result<store::UserRef> named_user(SocialContext& c, const std::string& network_id) {
  MC_TRY(auto users, accounts::resolve_users(c.accounts, {network_id}, "unknown_user"));
  return users.front();
}

void register_profile_routes(net::Router& router, SocialContext& c) {
  using net::Access;
  router.add("GET", "/v1/me/profile", Access::kUser, [&c](HttpRequest& req) { return get_profile(c, req); });
  router.add("PUT", "/v1/me/profile", Access::kUser, [&c](HttpRequest& req) { return put_profile(c, req); });
  router.add("POST", "/v1/me/identifiers", Access::kUser, [&c](HttpRequest& req) { return add_identifier(c, req); });
  router.add("POST", "/v1/me/identifiers/verify", Access::kUser,
             [&c](HttpRequest& req) { return verify_identifier(c, req); });
  router.add("DELETE", "/v1/me/identifiers/{kind}", Access::kUser,
             [&c](HttpRequest& req) { return remove_identifier(c, req); });
}

}  // namespace mc::social
