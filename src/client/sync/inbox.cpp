#include "client/sync/inbox.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <thread>
#include <unordered_set>

#include "client/transport/ws_client.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace json = boost::json;

namespace {

constexpr int kAckEvery = 64;               // ack at least this often while items pour in
constexpr std::int64_t kServerPage = 1000;  // the most GET /v1/inbox answers at once

}  // namespace

Result<wire::InboxPage> list_inbox(Connection& conn, std::int64_t after, std::int64_t limit) {
  wire::InboxPage out;
  for (;;) {
    std::int64_t want = std::min(kServerPage, limit - static_cast<std::int64_t>(out.items.size()));
    MC_TRY(auto answer,
           conn.call("GET", "/v1/inbox?after=" + std::to_string(after) + "&limit=" + std::to_string(want)));
    MC_TRY(auto page, wire::from_json<wire::InboxPage>(answer));
    if (!page.items.empty() && page.items.front().seq <= after) {
      return Error{ErrorKind::kInternal, "unexpected_answer", "the server sent items the request did not ask for"};
    }
    out.head = page.head;
    out.cursor = page.cursor;
    bool full = static_cast<std::int64_t>(page.items.size()) == want;
    for (auto& it : page.items) out.items.push_back(std::move(it));
    if (!full || out.items.empty() || static_cast<std::int64_t>(out.items.size()) >= limit) return out;
    after = out.items.back().seq;
  }
}

Result<wire::InboxItem> get_item(Connection& conn, const std::string& item_id) {
  MC_TRY(auto answer, conn.call("GET", "/v1/inbox/items/" + url_encode(item_id)));
  return wire::from_json<wire::InboxItem>(answer, "item");
}

Status mark_opened(Connection& conn, const std::string& item_id) {
  json::value empty = json::object{};
  MC_TRY_STATUS(conn.call("POST", "/v1/inbox/items/" + url_encode(item_id) + "/opened", &empty));
  return {};
}

Status follow_inbox(Connection& conn, const FollowOptions& opts,
                    const std::function<Status(const wire::InboxItem&)>& on_item) {
  std::int64_t cursor = 0;
  if (opts.after) {
    cursor = *opts.after;
  } else if (opts.local) {
    MC_TRY(auto c, opts.local->cursor());
    cursor = c;
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
  auto state = [&](std::string_view s, const Error* e) {
    if (opts.on_state) opts.on_state(s, e);
  };
  while (!stopped()) {
    state("connecting", nullptr);
    auto ws = WsClient::connect(conn.url(), "/v1/stream?after=" + std::to_string(cursor), conn.token());
    if (!ws) {
      state("disconnected", &ws.error());
      if (ws.error().is(ErrorKind::kUnauthenticated) || ws.error().is(ErrorKind::kPermissionDenied)) return ws.error();
      wait_backoff();
      continue;
    }
    state("connected", nullptr);
    std::int64_t acked = cursor, unacked = 0;
    while (!stopped()) {
      auto frame = (*ws)->read(std::chrono::milliseconds(unacked ? 20 : 200));
      if (!frame) {  // connection lost: reconnect after the cursor
        state("disconnected", &frame.error());
        break;
      }
      if (!*frame || unacked >= kAckEvery) {
        // A pause in the flow (or many items): ack what is stored. An ack
        // lost with the connection is sent after the next hello, which
        // tells us what the server has.
        if (cursor > acked && (*ws)->send(wire::ack_request_frame(cursor))) {
          acked = cursor;
          unacked = 0;
        }
        if (!*frame) continue;
      }
      backoff = std::chrono::milliseconds(200);
      // A frame that does not parse ends the follow: skipping it could ack
      // past an item that was never stored.
      MC_TRY(auto parsed, wire::parse_frame(**frame));
      if (parsed.type == wire::Frame::Type::kHello) {
        // What the server has for this device: items stored here but not
        // acked before a crash or a lost connection are acked now.
        acked = parsed.hello.cursor;
        if (cursor > acked) unacked = kAckEvery;
        continue;
      }
      if (parsed.type != wire::Frame::Type::kItem) continue;  // acked, pong, and frames we do not know
      const wire::InboxItem& item = parsed.item;
      std::int64_t seq = item.seq;
      const std::string& id = item.id;
      if (seq <= cursor || seen.count(id)) continue;  // redelivered: already handed over
      if (opts.local) {
        MC_TRY(auto fresh, opts.local->store_item(id, seq, parsed.item_json));
        if (!fresh) {  // stored (and so shown) by an earlier run
          cursor = std::max(cursor, seq);
          continue;
        }
      }
      seen.insert(id);
      MC_TRY_STATUS(on_item(item));
      cursor = seq;
      ++unacked;
    }
    if (!stopped()) wait_backoff();
  }
  return {};
}

}  // namespace mc::client
