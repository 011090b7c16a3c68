// The user's side of pushes (docs/protocol.md "Pushes"): settings (caps,
// quiet hours, opt-outs), why a push came, dismissing it or marking it
// not interesting, the precomputed recommendations, and the user's own
// signals (export and deletion).
#include <boost/json.hpp>

#include "core/json_fields.hpp"
#include "core/wire/codec.hpp"
#include "server/net/http_error.hpp"
#include "server/push/push_routes.hpp"
#include "server/social/social_routes.hpp"
#include "store/rules/campaign_rules.hpp"
#include "store/rules/push_rules.hpp"

namespace mc::push {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

constexpr std::size_t kMaxOptOuts = 200;
constexpr int kMaxExportedSignals = 100000;
constexpr std::size_t kPopularFallback = 20;

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  return r;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object settings_json(const PushContext& c, const store::PushSettings& s) {
  json::value quiet = nullptr;
  if (s.quiet_start && s.quiet_end) {
    quiet = json::object{{"start", store::rules::format_time_of_day(*s.quiet_start)},
                         {"end", store::rules::format_time_of_day(*s.quiet_end)}};
  }
  return {{"per_day", std::min(c.config.per_day, s.per_day.value_or(c.config.per_day))},
          {"per_week", std::min(c.config.per_week, s.per_week.value_or(c.config.per_week))},
          {"max_per_day", c.config.per_day},
          {"max_per_week", c.config.per_week},
          {"time_zone", s.time_zone},
          {"quiet_hours", std::move(quiet)},
          {"opt_out", json::object{{"all", s.opt_out_all},
                                   {"kinds", strings(s.opt_out_kinds)},
                                   {"tags", strings(s.opt_out_tags)}}}};
}

Result<HttpResponse> get_settings(PushContext& c, HttpRequest& req) {
  MC_TRY(auto s, c.pushes.settings(req.user().user_id));
  return json_response(200, {{"settings", settings_json(c, s)}});
}

// A cap the user asks for: 0 up to the provider's. Errors: "invalid_field".
Result<std::optional<int>> cap_field(const json::object& body, std::string_view name, int max) {
  const auto* v = body.if_contains(name);
  if (!v) return std::optional<int>();
  if (v->is_null()) return std::optional<int>();
  if (!v->is_int64() || v->as_int64() < 0 || v->as_int64() > max) {
    return Error::invalid_argument("invalid_field", "field '" + std::string(name) +
                                                        "' must be a whole number from 0 to " + std::to_string(max) +
                                                        " (the provider's limit)");
  }
  return std::optional<int>(static_cast<int>(v->as_int64()));
}

// PUT: each field present replaces the stored one; absent fields stay.
Result<HttpResponse> put_settings(PushContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY_STATUS(social::only_fields(body, {"per_day", "per_week", "time_zone", "quiet_hours", "opt_out"}));
  MC_TRY(auto s, c.pushes.settings(req.user().user_id));
  if (body.contains("per_day")) {
    MC_TRY(s.per_day, cap_field(body, "per_day", c.config.per_day));
  }
  if (body.contains("per_week")) {
    MC_TRY(s.per_week, cap_field(body, "per_week", c.config.per_week));
  }
  MC_TRY(auto tz, string_field(body, "time_zone", false, 64));
  if (tz) {
    MC_TRY_STATUS(store::rules::check_time_zone(*tz));
    s.time_zone = *tz;
  }
  if (const auto* q = body.if_contains("quiet_hours")) {
    if (q->is_null()) {
      s.quiet_start.reset();
      s.quiet_end.reset();
    } else if (!q->is_object()) {
      return Error::invalid_argument("invalid_quiet_hours",
                                     "quiet_hours must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"} or null");
    } else {
      MC_TRY_STATUS(social::only_fields(q->as_object(), {"start", "end"}));
      MC_TRY(auto start, string_field(q->as_object(), "start", true, 8));
      MC_TRY(auto end, string_field(q->as_object(), "end", true, 8));
      MC_TRY(auto quiet, store::rules::parse_quiet_hours(*start, *end));
      s.quiet_start = quiet.start_minute;
      s.quiet_end = quiet.end_minute;
    }
  }
  if (const auto* o = body.if_contains("opt_out")) {
    if (!o->is_object()) {
      return Error::invalid_argument("invalid_field",
                                     "opt_out must be {\"all\": bool, \"kinds\": [...], \"tags\": [...]}");
    }
    const auto& opt = o->as_object();
    MC_TRY_STATUS(social::only_fields(opt, {"all", "kinds", "tags"}));
    if (const auto* all = opt.if_contains("all")) {
      if (!all->is_bool()) return Error::invalid_argument("invalid_field", "opt_out.all must be true or false");
      s.opt_out_all = all->as_bool();
    }
    MC_TRY(auto kinds, string_list_field(opt, "kinds", false, kMaxOptOuts, 64));
    MC_TRY(auto tags, string_list_field(opt, "tags", false, kMaxOptOuts, 64));
    if (kinds) s.opt_out_kinds = *kinds;
    if (tags) s.opt_out_tags = *tags;
  }
  MC_TRY_STATUS(c.pushes.put_settings(req.user().user_id, s));
  return json_response(200, {{"settings", settings_json(c, s)}});
}

json::object push_json(const store::Push& p) {
  auto opt = [](const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); };
  return {{"item_id", p.item_id.value_or("")},
          {"campaign_id", p.campaign_id},
          {"occurrence", p.occurrence},
          {"resource_id", p.resource_id},
          {"reason", p.reason},
          {"state", p.state},
          {"delivered_at", opt(p.delivered_at)},
          {"opened_at", opt(p.opened_at)},
          {"dismissed_at", opt(p.dismissed_at)}};
}

Result<HttpResponse> why(PushContext& c, HttpRequest& req) {
  MC_TRY(auto p, c.pushes.push_for_item(req.user().user_id, req.path_params["item_id"]));
  return json_response(200, {{"push", push_json(p)}});
}

// Dismissing says "not now"; with not_interested it says "not this, nor
// what is like it": the recommender drops it and lowers its neighbours.
Result<HttpResponse> dismiss(PushContext& c, HttpRequest& req) {
  bool not_interested = false;
  if (!req.body.empty()) {
    MC_TRY(auto body, parse_json_object(req.body));
    MC_TRY_STATUS(social::only_fields(body, {"not_interested"}));
    if (const auto* v = body.if_contains("not_interested")) {
      if (!v->is_bool()) return Error::invalid_argument("invalid_field", "not_interested must be true or false");
      not_interested = v->as_bool();
    }
  }
  const auto& me = req.user();
  MC_TRY(auto p, c.pushes.push_for_item(me.user_id, req.path_params["item_id"]));
  const std::int64_t now = c.clock.now_ms();
  MC_TRY_STATUS(c.pushes.mark_push(me.user_id, *p.item_id, true, now));
  std::vector<store::Signal> signals = {{me.user_id, p.resource_id, "push_dismissed", now}};
  if (not_interested) signals.push_back({me.user_id, p.resource_id, "not_interested", now});
  // Written before answering: the user's "not interested" must hold for
  // the next campaign, not only once the next group commit happens.
  MC_TRY_STATUS(c.pushes.record_signals(signals));
  return no_content();
}

// Until the recommender has seen a user (no signals yet, or none since it
// last ran), the most popular resources they have not consumed.
Result<std::vector<store::Recommendation>> popular_for(PushContext& c, std::int64_t user_id) {
  store::ResourceQuery q;
  q.sort = store::ResourceSort::kPopular;
  MC_TRY(auto ranked, c.catalog.query_ranked(q, kPopularFallback * 2));
  MC_TRY(auto signals, c.pushes.signals_of(user_id, 1000));
  std::vector<store::Recommendation> out;
  for (const auto& id : ranked.ids) {
    if (std::any_of(signals.begin(), signals.end(), [&](const store::Signal& s) { return s.resource_id == id; })) {
      continue;
    }
    out.push_back(store::Recommendation{id, 0, "popular now"});
    if (out.size() == kPopularFallback) break;
  }
  return out;
}

Result<HttpResponse> recommendations(PushContext& c, HttpRequest& req) {
  MC_TRY(auto recs, c.pushes.recommendations(req.user().user_id));
  if (recs.empty()) {
    MC_TRY(recs, popular_for(c, req.user().user_id));
  }
  std::vector<std::string> ids;
  for (const auto& r : recs) ids.push_back(r.resource_id);
  MC_TRY(auto resources, c.catalog.resources_by_ids(ids));
  json::array items;
  for (const auto& r : recs) {
    auto it = std::find_if(resources.begin(), resources.end(),
                           [&](const store::Resource& x) { return x.id == r.resource_id; });
    if (it == resources.end() || it->gone) continue;  // unpublished since
    items.push_back({{"resource", wire::to_json(*it)}, {"score", r.score}, {"reason", r.reason}});
  }
  return json_response(200, {{"items", std::move(items)}});
}

Result<HttpResponse> export_signals(PushContext& c, HttpRequest& req) {
  MC_TRY(auto list, c.pushes.signals_of(req.user().user_id, kMaxExportedSignals));
  json::array out;
  for (const auto& s : list) out.push_back({{"resource_id", s.resource_id}, {"kind", s.kind}, {"at", s.at}});
  return json_response(200, {{"signals", std::move(out)}});
}

Result<HttpResponse> delete_signals(PushContext& c, HttpRequest& req) {
  MC_TRY_STATUS(c.pushes.delete_signals(req.user().user_id));
  return no_content();
}

}  // namespace

void register_user_push_routes(net::Router& router, PushContext& c) {
  using net::Access;
  router.add("GET", "/v1/me/push-settings", Access::kUser, [&c](HttpRequest& req) { return get_settings(c, req); });
  router.add("PUT", "/v1/me/push-settings", Access::kUser, [&c](HttpRequest& req) { return put_settings(c, req); });
  router.add("GET", "/v1/pushes/{item_id}", Access::kUser, [&c](HttpRequest& req) { return why(c, req); });
  router.add("POST", "/v1/pushes/{item_id}/dismiss", Access::kUser, [&c](HttpRequest& req) { return dismiss(c, req); });
  router.add("GET", "/v1/recommendations", Access::kUser, [&c](HttpRequest& req) { return recommendations(c, req); });
  router.add("GET", "/v1/me/signals", Access::kUser, [&c](HttpRequest& req) { return export_signals(c, req); });
  router.add("DELETE", "/v1/me/signals", Access::kUser, [&c](HttpRequest& req) { return delete_signals(c, req); });
}

}  // namespace mc::push
