#include "client/sync/inbox.hpp"

#include <boost/json.hpp>
#include <thread>
#include <unordered_set>

#include "client/transport/ws_client.hpp"

namespace mc::client {

namespace json = boost::json;

Result<InboxPage> list_inbox(Connection& conn, std::int64_t after, int limit) {
  auto r = conn.call("GET", "/v1/inbox?after=" + std::to_string(after) + "&limit=" + std::to_string(limit));
  if (!r) return r.error();
  InboxPage page;
  for (const auto& v : r->at("items").as_array()) page.items.push_back(v.as_object());
  page.head = r->at("head").to_number<std::int64_t>();
  return page;
}

Status follow_inbox(Connection& conn, const FollowOptions& opts,
                    const std::function<Status(const json::object&)>& on_item) {
  std::int64_t cursor = opts.after;
  std::unordered_set<std::string> seen;  // item ids delivered by this follow
  auto stopped = [&] { return opts.stop && opts.stop->load(); };
  auto backoff = std::chrono::milliseconds(200);
  // Server down, restarting, or dropping us: try again, a little later each
  // time, up to 5 s; a server that talks to us resets the delay.
  auto wait_backoff = [&] {
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopped();
         waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  };
  while (!stopped()) {
    auto ws = WsClient::connect(conn.url(), "/v1/stream?after=" + std::to_string(cursor), conn.token());
    if (!ws) {
      if (ws.error().status == 401 || ws.error().status == 403) return ws.error();
      wait_backoff();
      continue;
    }
    if (opts.on_connected) opts.on_connected();
    while (!stopped()) {
      auto frame = (*ws)->read(std::chrono::milliseconds(200));
      if (!frame) break;  // connection lost: reconnect after the cursor
      if (!*frame) continue;
      backoff = std::chrono::milliseconds(200);
      boost::system::error_code ec;
      auto v = json::parse(**frame, ec);
      if (ec || !v.is_object()) continue;
      const auto& o = v.as_object();
      const auto* type = o.if_contains("type");
      const auto* item_v = o.if_contains("item");
      if (!type || !type->is_string() || type->as_string() != "item" || !item_v || !item_v->is_object()) continue;
      const auto& item = item_v->as_object();
      const auto* seq_v = item.if_contains("seq");
      const auto* id_v = item.if_contains("id");
      if (!seq_v || !seq_v->is_int64() || !id_v || !id_v->is_string()) continue;
      std::int64_t seq = seq_v->as_int64();
      std::string id(id_v->as_string());
      if (seq <= cursor || !seen.insert(id).second) continue;  // redelivered: already shown
      if (auto st = on_item(item); !st) return st;
      cursor = seq;
    }
    if (!stopped()) wait_backoff();
  }
  return {};
}

}  // namespace mc::client
