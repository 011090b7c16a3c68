// GET /v1/inbox, GET /v1/inbox/items/{id}, POST /v1/inbox/items/{id}/opened,
// POST /v1/inbox/ack.
#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/wire/codec.hpp"
#include "server/delivery/delivery_routes.hpp"
#include "server/net/http_error.hpp"

namespace mc::delivery {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

constexpr std::int64_t kDefaultInboxPage = 100;
constexpr std::int64_t kMaxInboxPage = 1000;

Result<HttpResponse> list_inbox(DeliveryContext& d, HttpRequest& req) {
  const Caller& caller = req.user();
  MC_TRY(auto after, net::query_int(req, "after", 0, 0, INT64_MAX));
  MC_TRY(auto limit, net::query_int(req, "limit", kDefaultInboxPage, 1, kMaxInboxPage));
  MC_TRY(auto head, d.deliveries.inbox_head(caller.user_id));
  MC_TRY(auto cursor, d.deliveries.device_cursor(caller.user_id, caller.device_id));
  MC_TRY(auto items, d.deliveries.list_inbox(caller.user_id, after, static_cast<int>(limit)));
  return json_response(200, wire::to_json(wire::InboxPage{std::move(items), head, cursor}));
}

Result<HttpResponse> get_item(DeliveryContext& d, HttpRequest& req) {
  MC_TRY(auto item, d.deliveries.get_item(req.user().user_id, req.path_params["id"]));
  return json_response(200, {{"item", wire::to_json(item)}});
}

Result<HttpResponse> mark_opened(DeliveryContext& d, HttpRequest& req) {
  const auto& me = req.user();
  MC_TRY(auto outcome, d.deliveries.mark_opened(me.user_id, req.path_params["id"]));
  if (outcome.notify_user) d.bus.publish(*outcome.notify_user);  // the sender's receipt item
  if (outcome.first_open) {
    // What the user opened tells their taste; a push opened counts for its campaign.
    MC_TRY(auto item, d.deliveries.get_item(me.user_id, req.path_params["id"]));
    if (item.kind == wire::ItemKind::kPush) MC_TRY_STATUS(d.pushes.mark_push(me.user_id, item.id, false, now_ms()));
    if (!item.resource.id.empty()) {
      d.pushes.record_signals_later(
          {{me.user_id, item.resource.id, item.kind == wire::ItemKind::kPush ? "push_opened" : "opened", now_ms()}});
    }
  }
  return json_response(200, {{"first_open", outcome.first_open}});
}

Result<HttpResponse> ack(DeliveryContext& d, HttpRequest& req) {
  const Caller& caller = req.user();
  MC_TRY(auto body, parse_json_object(req.body));
  auto seq = body.if_contains("seq");
  if (!seq) return Error::invalid_argument("missing_field", "field 'seq' is required");
  if (!seq->is_int64() || seq->as_int64() < 0) {
    return Error::invalid_argument("invalid_field", "field 'seq' must be a non-negative integer");
  }
  MC_TRY(auto cursor, d.deliveries.ack(caller.user_id, caller.device_id, seq->as_int64()));
  return json_response(200, wire::to_json(wire::Ack{cursor, caller.device_id}));
}

}  // namespace

void register_inbox_routes(net::Router& router, DeliveryContext& d) {
  using net::Access;
  router.add("GET", "/v1/inbox", Access::kUser, [&d](HttpRequest& req) { return list_inbox(d, req); });
  router.add("GET", "/v1/inbox/items/{id}", Access::kUser, [&d](HttpRequest& req) { return get_item(d, req); });
  router.add("POST", "/v1/inbox/items/{id}/opened", Access::kUser,
             [&d](HttpRequest& req) { return mark_opened(d, req); });
  router.add("POST", "/v1/inbox/ack", Access::kUser, [&d](HttpRequest& req) { return ack(d, req); });
}

}  // namespace mc::delivery
