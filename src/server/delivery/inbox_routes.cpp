// GET /v1/inbox, GET /v1/inbox/items/{id}, POST /v1/inbox/items/{id}/opened,
// POST /v1/inbox/ack.
#include <boost/json.hpp>

#include "core/json_fields.hpp"
#include "server/delivery/delivery_routes.hpp"
#include "server/delivery/item_json.hpp"
#include "server/net/http_error.hpp"

namespace mc::delivery {

namespace json = boost::json;
using net::error_response;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

constexpr std::int64_t kDefaultInboxPage = 100;
constexpr std::int64_t kMaxInboxPage = 1000;

HttpResponse list_inbox(DeliveryDeps& d, HttpRequest& req) {
  auto caller = d.auth.authenticate(req);
  if (!caller) return error_response(caller.error());
  auto after = net::query_int(req, "after", 0, 0, INT64_MAX);
  if (!after) return error_response(after.error());
  auto limit = net::query_int(req, "limit", kDefaultInboxPage, 1, kMaxInboxPage);
  if (!limit) return error_response(limit.error());
  auto head = d.deliveries.inbox_head(caller->user_id);
  if (!head) return error_response(head.error());
  auto cursor = d.deliveries.device_cursor(caller->user_id, caller->device_id);
  if (!cursor) return error_response(cursor.error());
  auto items = d.deliveries.list_inbox(caller->user_id, *after, static_cast<int>(*limit));
  if (!items) return error_response(items.error());
  json::array list;
  for (const auto& it : *items) list.emplace_back(item_json(it));
  return json_response(200, {{"items", list}, {"head", *head}, {"cursor", *cursor}});
}

HttpResponse get_item(DeliveryDeps& d, HttpRequest& req) {
  auto caller = d.auth.authenticate(req);
  if (!caller) return error_response(caller.error());
  auto item = d.deliveries.get_item(caller->user_id, req.path_params["id"]);
  if (!item) return error_response(item.error());
  return json_response(200, {{"item", item_json(*item)}});
}

HttpResponse mark_opened(DeliveryDeps& d, HttpRequest& req) {
  auto caller = d.auth.authenticate(req);
  if (!caller) return error_response(caller.error());
  auto outcome = d.deliveries.mark_opened(caller->user_id, req.path_params["id"]);
  if (!outcome) return error_response(outcome.error());
  if (outcome->notify_user) d.hub.publish(*outcome->notify_user);  // the sender's receipt item
  return json_response(200, {{"first_open", outcome->first_open}});
}

HttpResponse ack(DeliveryDeps& d, HttpRequest& req) {
  auto caller = d.auth.authenticate(req);
  if (!caller) return error_response(caller.error());
  auto body = parse_json_object(req.body);
  if (!body) return error_response(body.error());
  auto seq = body->if_contains("seq");
  if (!seq) return error_response(Error::invalid_argument("missing_field", "field 'seq' is required"));
  if (!seq->is_int64() || seq->as_int64() < 0) {
    return error_response(Error::invalid_argument("invalid_field", "field 'seq' must be a non-negative integer"));
  }
  auto cursor = d.deliveries.ack(caller->user_id, caller->device_id, seq->as_int64());
  if (!cursor) return error_response(cursor.error());
  return json_response(200, {{"cursor", *cursor}, {"device_id", caller->device_id}});
}

}  // namespace

void register_inbox_routes(net::Router& router, DeliveryDeps deps) {
  router.add("GET", "/v1/inbox", [deps](HttpRequest& req) mutable { return list_inbox(deps, req); });
  router.add("GET", "/v1/inbox/items/{id}", [deps](HttpRequest& req) mutable { return get_item(deps, req); });
  router.add("POST", "/v1/inbox/items/{id}/opened", [deps](HttpRequest& req) mutable { return mark_opened(deps, req); });
  router.add("POST", "/v1/inbox/ack", [deps](HttpRequest& req) mutable { return ack(deps, req); });
}

}  // namespace mc::delivery
