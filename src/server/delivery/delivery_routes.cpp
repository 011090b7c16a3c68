#include "server/delivery/delivery_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <set>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/network_id.hpp"
#include "core/random.hpp"
#include "server/delivery/item_json.hpp"
#include "server/net/http_error.hpp"

namespace mc::delivery {

namespace json = boost::json;
using net::error_response;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

constexpr int kStreamBatch = 200;
constexpr std::int64_t kDefaultInboxPage = 100;
constexpr std::int64_t kMaxInboxPage = 1000;

HttpResponse create_share(DeliveryDeps& d, HttpRequest& req) {
  auto caller = d.auth.authenticate(req);
  if (!caller) return error_response(caller.error());
  auto body = parse_json_object(req.body);
  if (!body) return error_response(body.error());
  auto resource_id = string_field(*body, "resource_id", true, 64);
  if (!resource_id) return error_response(resource_id.error());
  auto to = string_list_field(*body, "to", true, kMaxRecipients, 64);
  if (!to) return error_response(to.error());
  auto note = string_field(*body, "note", false, 2000);
  if (!note) return error_response(note.error());

  if ((*to)->empty()) return error_response(Error::bad_request("no_recipients", "'to' names no recipient"));
  std::set<std::string> distinct;
  for (const auto& id : **to) {
    if (auto st = validate_network_id(id); !st) {
      return error_response(Error::bad_request("invalid_network_id", "'" + id + "' is not a network ID: " +
                                                                         st.error().message));
    }
    distinct.insert(id);
  }
  auto resource = d.catalog.get_resource(**resource_id);
  if (!resource) return error_response(resource.error());

  std::vector<std::string> names(distinct.begin(), distinct.end());
  auto users = d.accounts.find_users(names);
  if (!users) return error_response(users.error());
  if (users->size() != names.size()) {
    std::set<std::string> found;
    for (const auto& u : *users) found.insert(u.network_id);
    std::string missing;
    int shown = 0;
    for (const auto& n : names) {
      if (found.count(n)) continue;
      if (shown++ == 10) { missing += ", ..."; break; }
      missing += (missing.empty() ? "" : ", ") + n;
    }
    return error_response(Error::not_found("unknown_recipient", "no user with network ID " + missing));
  }

  store::NewShare share;
  share.id = new_id("s_");
  share.sender_id = caller->user_id;
  share.resource_id = resource->id;
  share.note = note->value_or("");
  share.created_at = now_ms();
  for (const auto& u : *users) share.recipient_ids.push_back(u.id);
  auto receipt = d.deliveries.create_share(share);
  if (!receipt) return error_response(receipt.error());
  // Committed: now wake the recipients' streams.
  for (auto uid : share.recipient_ids) d.hub.publish(uid);
  spdlog::info("event=share_created id={} from={} recipients={}", share.id, caller->network_id, names.size());

  json::array to_json;
  for (const auto& n : names) to_json.emplace_back(n);
  return json_response(201, {{"share",
                              {{"id", share.id},
                               {"resource_id", share.resource_id},
                               {"sender", caller->network_id},
                               {"to", to_json},
                               {"note", share.note},
                               {"created_at", share.created_at}}}});
}

HttpResponse list_inbox(DeliveryDeps& d, HttpRequest& req) {
  auto caller = d.auth.authenticate(req);
  if (!caller) return error_response(caller.error());
  auto after = net::query_int(req, "after", 0, INT64_MAX);
  if (!after) return error_response(after.error());
  auto limit = net::query_int(req, "limit", kDefaultInboxPage, kMaxInboxPage);
  if (!limit) return error_response(limit.error());
  auto head = d.deliveries.inbox_head(caller->user_id);
  if (!head) return error_response(head.error());
  auto items = d.deliveries.list_inbox(caller->user_id, *after, static_cast<int>(*limit));
  if (!items) return error_response(items.error());
  json::array list;
  for (const auto& it : *items) list.emplace_back(item_json(it));
  return json_response(200, {{"items", list}, {"head", *head}});
}

}  // namespace

void register_delivery_routes(net::Router& router, DeliveryDeps deps) {
  router.add("POST", "/v1/shares", [deps](HttpRequest& req) mutable { return create_share(deps, req); });
  router.add("GET", "/v1/inbox", [deps](HttpRequest& req) mutable { return list_inbox(deps, req); });
}

Result<net::StreamOpen> InboxStreams::open(const net::HttpRequest& req) {
  auto caller = d_.auth.authenticate(req);
  if (!caller) return caller.error();
  auto after = net::query_int(req, "after", 0, INT64_MAX);
  if (!after) return after.error();
  return net::StreamOpen{caller->user_id, caller->network_id, *after};
}

std::string InboxStreams::hello_frame(const net::StreamOpen& open) {
  return json::serialize(json::object{{"type", "hello"}, {"network_id", open.network_id}, {"after", open.after}});
}

Result<net::StreamBatch> InboxStreams::frames_after(std::int64_t user_id, std::int64_t after) {
  auto items = d_.deliveries.list_inbox(user_id, after, kStreamBatch);
  if (!items) return items.error();
  net::StreamBatch batch;
  batch.cursor = after;
  for (const auto& it : *items) {
    batch.frames.push_back(json::serialize(json::object{{"type", "item"}, {"item", item_json(it)}}));
    batch.cursor = it.seq;
  }
  batch.more = items->size() == static_cast<std::size_t>(kStreamBatch);
  return batch;
}

std::unique_ptr<net::Subscription> InboxStreams::subscribe(std::int64_t user_id, std::function<void()> notify) {
  return d_.hub.subscribe(user_id, std::move(notify));
}

}  // namespace mc::delivery
