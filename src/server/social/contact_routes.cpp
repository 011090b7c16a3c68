// Address-book matching (docs/protocol.md "Address-book matching"):
// POST /v1/contacts/evaluate (the OPRF's server step, rate-limited),
// GET /v1/contacts/directory (the tags of findable users),
// PUT /v1/contacts (the tags a client matched: its contacts now),
// GET /v1/contacts.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "server/net/http_error.hpp"
#include "server/social/client_address.hpp"
#include "server/social/social_routes.hpp"

namespace mc::social {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;
namespace oprf = contacts::oprf;

namespace {

constexpr std::size_t kMaxPointsPerRequest = 1000;
// A client sends only the tags it found in the directory: its matches.
constexpr std::size_t kMaxMatchedTags = 20000;

// The array `name` of `body`, at most `max` strings. Errors: missing_field,
// invalid_field, too_many_items.
Result<const json::array*> string_array(const json::object& body, std::string_view name, std::size_t max) {
  const auto* v = body.if_contains(name);
  if (!v) return Error::invalid_argument("missing_field", "field '" + std::string(name) + "' is required");
  if (!v->is_array()) return Error::invalid_argument("invalid_field", "field '" + std::string(name) + "' is an array");
  const auto& a = v->as_array();
  if (a.size() > max) {
    return Error::invalid_argument("too_many_items", "field '" + std::string(name) + "' holds at most " +
                                                         std::to_string(max) + " entries per request");
  }
  for (const auto& x : a) {
    if (!x.is_string()) {
      return Error::invalid_argument("invalid_field", "field '" + std::string(name) + "' holds strings only");
    }
  }
  return &a;
}

HttpResponse too_many(std::int64_t retry_after) {
  HttpResponse res =
      net::error_response(Error::resource_exhausted("rate_limited", "too many address-book lookups: try again in " +
                                                                        std::to_string(retry_after) + " s"));
  res.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return res;
}

Result<HttpResponse> evaluate(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY_STATUS(only_fields(body, {"points"}));
  MC_TRY(const auto* points, string_array(body, "points", kMaxPointsPerRequest));
  if (points->empty()) return Error::invalid_argument("missing_field", "field 'points' holds 1 to 1,000 points");
  // Counted before anything is decoded, valid or not: a refused request
  // costs the server almost nothing, and garbage is no free probe.
  const auto& me = req.user();
  std::string address = client_bucket(req.remote_address, req.header("x-forwarded-for"), c.config.trusted_proxies);
  auto per_day = [](std::int64_t n) { return RateLimiter::Limit{double(n), double(n) / 86400.0}; };
  std::vector<RateLimiter::Take> buckets = {{"account:" + std::to_string(me.user_id),
                                             per_day(c.config.evaluations_per_day_account)},
                                            {"device:" + me.device_id, per_day(c.config.evaluations_per_day_device)},
                                            {"address:" + address, per_day(c.config.evaluations_per_day_address)}};
  if (auto wait = c.evaluations.take(buckets, double(points->size()), now_ms())) {
    spdlog::warn("event=evaluations_limited network_id={} address={} points={}", me.network_id, address,
                 points->size());
    return too_many(*wait);
  }
  std::vector<oprf::Point> decoded;
  decoded.reserve(points->size());
  for (std::size_t i = 0; i < points->size(); ++i) {
    auto p = oprf::decode_point((*points)[i].as_string());
    if (!p) {
      return Error::invalid_argument("invalid_point", "points[" + std::to_string(i) +
                                                          "] is not a ristretto255 point (32 bytes, canonical, "
                                                          "not the identity, in unpadded base64url)");
    }
    decoded.push_back(*p);
  }
  json::array out;
  out.reserve(decoded.size());
  for (const auto& p : decoded) {
    MC_TRY(auto e, oprf::evaluate(c.oprf_key, p));
    out.emplace_back(oprf::encode(e));
  }
  return json_response(200, {{"points", std::move(out)}});
}

// A tag as the store keeps it (hex, written by profile_routes.cpp) and as
// the protocol shows it (base64url); `transform` maps it on the way.
std::string wire_tag(const std::string& hex, std::string (*transform)(std::string_view) = nullptr) {
  std::string raw = from_hex(hex).value_or("");
  return oprf::encode_tag(transform ? transform(raw) : raw);
}

Result<HttpResponse> directory(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto tags, c.social.directory_tags(req.user().user_id));
  json::array out;
  out.reserve(tags.size());
  // One-way entries, not the tags: a copy of the directory finds no one.
  for (const auto& t : tags) out.emplace_back(wire_tag(t, oprf::directory_entry));
  return json_response(200, {{"entries", std::move(out)}, {"entry_bytes", oprf::kTagBytes}});
}

json::array contacts_json(const std::vector<store::Person>& people) {
  json::array out;
  for (const auto& p : people) out.emplace_back(person_json(p));
  return out;
}

Result<HttpResponse> replace_contacts(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY_STATUS(only_fields(body, {"tags"}));
  MC_TRY(const auto* tags, string_array(body, "tags", kMaxMatchedTags));
  std::vector<std::string> hex;
  hex.reserve(tags->size());
  for (std::size_t i = 0; i < tags->size(); ++i) {
    auto t = oprf::decode_tag((*tags)[i].as_string());
    if (!t) {
      return Error::invalid_argument("invalid_tag", "tags[" + std::to_string(i) + "] is not a tag (" +
                                                        std::to_string(oprf::kTagBytes) +
                                                        " bytes in unpadded base64url)");
    }
    hex.push_back(to_hex(*t));
  }
  const auto& me = req.user();
  MC_TRY(auto found, c.social.find_by_tags(me.user_id, hex));
  std::vector<std::int64_t> ids;
  json::array matched;
  for (const auto& e : found) {
    ids.push_back(e.person.user_id);
    auto o = person_json(e.person);
    o.erase("since");
    o["tag"] = wire_tag(e.tag);
    matched.emplace_back(std::move(o));
  }
  MC_TRY_STATUS(c.social.replace_contacts(me.user_id, ids));
  MC_TRY(auto now, c.social.contacts(me.user_id));
  return json_response(200, {{"matched", std::move(matched)}, {"contacts", contacts_json(now)}});
}

Result<HttpResponse> list_contacts(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto people, c.social.contacts(req.user().user_id));
  return json_response(200, {{"contacts", contacts_json(people)}});
}

}  // namespace

void register_contact_routes(net::Router& router, SocialContext& c) {
  using net::Access;
  router.add("POST", "/v1/contacts/evaluate", Access::kUser, [&c](HttpRequest& req) { return evaluate(c, req); });
  router.add("GET", "/v1/contacts/directory", Access::kUser, [&c](HttpRequest& req) { return directory(c, req); });
  router.add("PUT", "/v1/contacts", Access::kUser, [&c](HttpRequest& req) { return replace_contacts(c, req); });
  router.add("GET", "/v1/contacts", Access::kUser, [&c](HttpRequest& req) { return list_contacts(c, req); });
}

}  // namespace mc::social
