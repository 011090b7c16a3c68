// Campaigns (docs/protocol.md "Campaigns"): a provider creates one, lists
// its own, pauses, resumes and cancels them, and reads their numbers. The
// scheduler (scheduler.cpp) sends them.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "server/accounts/user_lookup.hpp"
#include "server/net/http_error.hpp"
#include "server/push/push_routes.hpp"
#include "server/social/social_routes.hpp"
#include "store/rules/campaign_rules.hpp"

namespace mc::push {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;
using store::Campaign;
using store::CampaignState;

namespace {

constexpr std::size_t kMaxMessage = 500;
constexpr std::size_t kMaxResources = 20;
constexpr std::size_t kMaxAudienceUsers = 10000;
constexpr std::int64_t kDefaultLifetimeMs = 7 * 86400000LL;
// A start this far in the past is taken as "now" (a clock a little behind).
constexpr std::int64_t kPastSlackMs = 60000;
// 9999-12-31T23:59:59.999Z: later times are refused (and sums stay far from overflow).
constexpr std::int64_t kLatestMs = 253402300799999;

json::value opt_json(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object campaign_json(const Campaign& c) {
  json::array resources;
  for (const auto& id : c.resource_ids) resources.emplace_back(id);
  return {{"id", c.id},
          {"creator", c.creator},
          {"resource_ids", std::move(resources)},
          {"message", c.message},
          {"audience", c.audience},
          {"starts_at", c.starts_at},
          {"every", c.every ? json::value(*c.every) : json::value(nullptr)},
          {"expires_at", c.expires_at},
          {"state", campaign_state_name(c.state)},
          {"next_run_at", opt_json(c.next_run_at)},
          {"occurrences", c.occurrences},
          {"created_at", c.created_at}};
}

// An optional integer field (milliseconds). Errors: "invalid_field".
Result<std::optional<std::int64_t>> time_field(const json::object& body, std::string_view name) {
  const auto* v = body.if_contains(name);
  if (!v || v->is_null()) return std::optional<std::int64_t>();
  if (!v->is_int64() || v->as_int64() < 0 || v->as_int64() > kLatestMs) {
    return Error::invalid_argument("invalid_field", "field '" + std::string(name) +
                                                        "' must be a time in Unix milliseconds, before the year 10000");
  }
  return std::optional<std::int64_t>(v->as_int64());
}

Result<HttpResponse> create_campaign(PushContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY_STATUS(social::only_fields(body, {"resource_ids", "message", "audience", "starts_at", "every", "expires_at"}));
  MC_TRY(auto ids, string_list_field(body, "resource_ids", true, kMaxResources, 64));
  MC_TRY(auto message, string_field(body, "message", true, kMaxMessage));
  MC_TRY(auto audience_text, string_field(body, "audience", true, 20000));
  MC_TRY(auto every, string_field(body, "every", false, 16));
  MC_TRY(auto starts_at, time_field(body, "starts_at"));
  MC_TRY(auto expires_at, time_field(body, "expires_at"));
  if (ids->empty()) return Error::invalid_argument("missing_field", "a campaign needs at least one resource");
  if (message->empty()) return Error::invalid_argument("missing_field", "a campaign needs a message");
  MC_TRY_STATUS(social::check_printable("message", *message));
  if (every && *every != "day" && *every != "week") {
    return Error::invalid_argument("invalid_schedule", "every must be \"day\" or \"week\", not \"" + *every + "\"");
  }
  const std::int64_t now = c.clock.now_ms();
  Campaign camp;
  camp.starts_at = starts_at.value_or(now);
  if (camp.starts_at < now - kPastSlackMs) {
    return Error::invalid_argument("schedule_in_past", "the campaign would start " +
                                                           std::to_string((now - camp.starts_at) / 1000) +
                                                           " s in the past");
  }
  camp.starts_at = std::max(camp.starts_at, now);
  camp.expires_at = expires_at.value_or(camp.starts_at + kDefaultLifetimeMs);
  if (camp.expires_at <= camp.starts_at) {
    return Error::invalid_argument("invalid_expiry", "the campaign would expire before it starts");
  }
  // Every resource named must be published now.
  MC_TRY(auto found, c.catalog.resources_by_ids(*ids));
  for (const auto& id : *ids) {
    auto it = std::find_if(found.begin(), found.end(), [&](const store::Resource& r) { return r.id == id; });
    if (it == found.end() || it->gone) {
      return Error::invalid_argument("unknown_resource", "no published resource with id '" + id + "'");
    }
  }
  MC_TRY(auto audience, store::rules::parse_audience(*audience_text));
  if (audience.kind == store::rules::Audience::Kind::kUsers) {
    if (audience.network_ids.size() > kMaxAudienceUsers) {
      return Error::invalid_argument("invalid_audience", "an explicit audience names at most 10,000 users");
    }
    MC_TRY(auto users, accounts::resolve_users(c.accounts, audience.network_ids, "unknown_user"));
    for (const auto& u : users) camp.audience_ids.push_back(u.id);
    std::sort(camp.audience_ids.begin(), camp.audience_ids.end());
  }
  if (audience.kind == store::rules::Audience::Kind::kConsumed) {
    MC_TRY(auto named, c.catalog.resources_by_ids({audience.value}));
    if (named.empty() || named[0].gone) {
      return Error::invalid_argument("unknown_resource",
                                     "audience consumed:" + audience.value + " names no published resource");
    }
  }
  camp.id = new_id("c_");
  camp.creator_id = req.user().user_id;
  camp.creator = req.user().network_id;
  camp.resource_ids = *ids;
  camp.message = *message;
  camp.audience = *audience_text;
  camp.every = every;
  camp.state = CampaignState::kActive;
  camp.next_run_at = camp.starts_at;
  camp.created_at = now;
  MC_TRY(auto size, c.pushes.audience_size(camp));
  if (size == 0) {
    return Error::invalid_argument("empty_audience", "the audience '" + *audience_text + "' holds nobody now");
  }
  MC_TRY_STATUS(c.pushes.create_campaign(camp));
  spdlog::info("event=campaign_created id={} by={} audience=\"{}\" users={}", camp.id, camp.creator, camp.audience,
               size);
  auto out = campaign_json(camp);
  out["audience_size"] = size;
  return json_response(201, {{"campaign", std::move(out)}});
}

// The caller's own campaign; another provider's is "not found".
Result<Campaign> own_campaign(PushContext& c, HttpRequest& req) {
  auto camp = c.pushes.campaign(req.path_params["id"]);
  if (!camp || camp->creator_id != req.user().user_id) {
    if (camp || camp.error().is(ErrorKind::kNotFound)) {
      return Error::not_found("campaign_not_found", "no campaign with id '" + req.path_params["id"] + "' of yours");
    }
    return camp.error();
  }
  return camp;
}

Result<HttpResponse> list_campaigns(PushContext& c, HttpRequest& req) {
  MC_TRY(auto list, c.pushes.campaigns(req.user().user_id));
  json::array out;
  for (const auto& camp : list) out.push_back(campaign_json(camp));
  return json_response(200, {{"campaigns", std::move(out)}});
}

Result<HttpResponse> get_campaign(PushContext& c, HttpRequest& req) {
  MC_TRY(auto camp, own_campaign(c, req));
  return json_response(200, {{"campaign", campaign_json(camp)}});
}

Result<HttpResponse> change(PushContext& c, HttpRequest& req, std::vector<CampaignState> from, CampaignState to) {
  MC_TRY(auto camp, own_campaign(c, req));
  MC_TRY(auto changed, c.pushes.change_state(camp.id, from, to));
  spdlog::info("event=campaign_{} id={} by={}", campaign_state_name(to), camp.id, req.user().network_id);
  return json_response(200, {{"campaign", campaign_json(changed)}});
}

Result<HttpResponse> campaign_stats(PushContext& c, HttpRequest& req) {
  MC_TRY(auto camp, own_campaign(c, req));
  MC_TRY(auto s, c.pushes.stats(camp.id));
  auto rate = [](std::int64_t opened, std::int64_t delivered) {
    return delivered == 0 ? 0.0 : static_cast<double>(opened) / static_cast<double>(delivered);
  };
  json::array hours;
  std::int64_t delivered = 0, opened = 0;
  for (const auto& h : s.hours) {
    delivered += h.delivered;
    opened += h.opened;
    hours.push_back(
        {{"hour", h.hour}, {"delivered", h.delivered}, {"opened", h.opened}, {"open_rate", rate(opened, delivered)}});
  }
  return json_response(200, {{"campaign_id", camp.id},
                             {"state", campaign_state_name(camp.state)},
                             {"occurrences", camp.occurrences},
                             {"targeted", s.targeted},
                             {"delivered", s.delivered},
                             {"held", s.held},
                             {"expired", s.expired},
                             {"skipped", s.skipped},
                             {"opened", s.opened},
                             {"dismissed", s.dismissed},
                             {"open_rate", rate(s.opened, s.delivered)},
                             {"hours", std::move(hours)}});
}

}  // namespace

void register_campaign_routes(net::Router& router, PushContext& c) {
  using net::Access;
  router.add("POST", "/v1/campaigns", Access::kProvider, [&c](HttpRequest& req) { return create_campaign(c, req); });
  router.add("GET", "/v1/campaigns", Access::kProvider, [&c](HttpRequest& req) { return list_campaigns(c, req); });
  router.add("GET", "/v1/campaigns/{id}", Access::kProvider, [&c](HttpRequest& req) { return get_campaign(c, req); });
  router.add("POST", "/v1/campaigns/{id}/pause", Access::kProvider,
             [&c](HttpRequest& req) { return change(c, req, {CampaignState::kActive}, CampaignState::kPaused); });
  router.add("POST", "/v1/campaigns/{id}/resume", Access::kProvider,
             [&c](HttpRequest& req) { return change(c, req, {CampaignState::kPaused}, CampaignState::kActive); });
  router.add("POST", "/v1/campaigns/{id}/cancel", Access::kProvider, [&c](HttpRequest& req) {
    // A finished campaign may still hold pushes (quiet hours, caps): cancelling expires them.
    return change(c, req, {CampaignState::kActive, CampaignState::kPaused, CampaignState::kFinished},
                  CampaignState::kCancelled);
  });
  router.add("GET", "/v1/campaigns/{id}/stats", Access::kProvider,
             [&c](HttpRequest& req) { return campaign_stats(c, req); });
}

}  // namespace mc::push
