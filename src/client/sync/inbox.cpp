#include "client/sync/inbox.hpp"

#include <boost/json.hpp>
#include <thread>
#include <unordered_set>

#include "client/transport/ws_client.hpp"

namespace mc::client {

namespace json = boost::json;

namespace {

constexpr int kAckEvery = 64;  // ack at least this often while items pour in

// The device cursor of a {"type":"hello"} frame, if the frame is one.
std::optional<std::int64_t> hello_cursor(const std::string& frame) {
  boost::system::error_code ec;
  auto v = json::parse(frame, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* type = v.as_object().if_contains("type");
  const auto* cursor = v.as_object().if_contains("cursor");
  if (!type || !type->is_string() || type->as_string() != "hello" || !cursor || !cursor->is_int64()) return std::nullopt;
  return cursor->as_int64();
}

// The item of an {"type":"item"} frame, if the frame is one and well formed.
std::optional<json::object> item_of(const std::string& frame) {
  boost::system::error_code ec;
  auto v = json::parse(frame, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto* type = o.if_contains("type");
  const auto* item = o.if_contains("item");
  if (!type || !type->is_string() || type->as_string() != "item" || !item || !item->is_object()) return std::nullopt;
  const auto& it = item->as_object();
  const auto* seq = it.if_contains("seq");
  const auto* id = it.if_contains("id");
  if (!seq || !seq->is_int64() || !id || !id->is_string()) return std::nullopt;
  return it;
}

}  // namespace

Result<InboxPage> list_inbox(Connection& conn, std::int64_t after, int limit) {
  auto r = conn.call("GET", "/v1/inbox?after=" + std::to_string(after) + "&limit=" + std::to_string(limit));
  if (!r) return r.error();
  InboxPage page;
  for (const auto& v : r->at("items").as_array()) page.items.push_back(v.as_object());
  page.head = r->at("head").to_number<std::int64_t>();
  page.cursor = r->at("cursor").to_number<std::int64_t>();
  return page;
}

Result<json::object> get_item(Connection& conn, const std::string& item_id) {
  auto r = conn.call("GET", "/v1/inbox/items/" + url_encode(item_id));
  if (!r) return r.error();
  return r->at("item").as_object();
}

Status mark_opened(Connection& conn, const std::string& item_id) {
  json::value empty = json::object{};
  auto r = conn.call("POST", "/v1/inbox/items/" + url_encode(item_id) + "/opened", &empty);
  if (!r) return r.error();
  return {};
}

Status follow_inbox(Connection& conn, const FollowOptions& opts,
                    const std::function<Status(const json::object&)>& on_item) {
  std::int64_t cursor = 0;
  if (opts.after) {
    cursor = *opts.after;
  } else if (opts.local) {
    auto c = opts.local->cursor();
    if (!c) return c.error();
    cursor = *c;
  }
  std::unordered_set<std::string> seen;  // item ids handed over by this follow
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
      if (ws.error().is(ErrorKind::kUnauthenticated) || ws.error().is(ErrorKind::kPermissionDenied)) return ws.error();
      wait_backoff();
      continue;
    }
    std::int64_t acked = cursor, unacked = 0;
    while (!stopped()) {
      auto frame = (*ws)->read(std::chrono::milliseconds(unacked ? 20 : 200));
      if (!frame) break;  // connection lost: reconnect after the cursor
      if (!*frame || unacked >= kAckEvery) {
        // A pause in the flow (or many items): ack what is stored. An ack
        // lost with the connection is sent after the next hello, which
        // tells us what the server has.
        if (cursor > acked && (*ws)->send("{\"type\":\"ack\",\"seq\":" + std::to_string(cursor) + "}")) {
          acked = cursor;
          unacked = 0;
        }
        if (!*frame) continue;
      }
      backoff = std::chrono::milliseconds(200);
      if (auto server_cursor = hello_cursor(**frame)) {
        // What the server has for this device: items stored here but not
        // acked before a crash or a lost connection are acked now.
        acked = *server_cursor;
        if (cursor > acked) unacked = kAckEvery;
        continue;
      }
      auto item = item_of(**frame);
      if (!item) continue;  // acked, and frames we do not know
      std::int64_t seq = item->at("seq").as_int64();
      std::string id(item->at("id").as_string());
      if (seq <= cursor || seen.count(id)) continue;  // redelivered: already handed over
      if (opts.local) {
        auto fresh = opts.local->store_item(id, seq, json::serialize(*item));
        if (!fresh) return fresh.error();
        if (!*fresh) {  // stored (and so shown) by an earlier run
          cursor = std::max(cursor, seq);
          continue;
        }
      }
      seen.insert(id);
      if (auto st = on_item(*item); !st) return st;
      cursor = seq;
      ++unacked;
    }
    if (!stopped()) wait_backoff();
  }
  return {};
}

}  // namespace mc::client
