// GET /v1/stream (WebSocket): the inbox, live. The protocol is in
// docs/protocol.md; net/ runs the socket, this file decides what flows.
//
// The stream keeps a cursor: the seq of the last item it sent. When woken
// it sends what follows. A bus signal may carry a hint (the new item's seq
// and id, and a pointer to the part of the frame all recipients share);
// when the hinted item is the next one, its frame is rendered from the hint
// at once, on the I/O thread. Otherwise (a gap because publishers raced,
// more than 64 hints waiting, a signal without a hint, the first pull) the
// stream reads the store in batches of 200, on a worker. Both paths give
// the same bytes (wire::item_frame).
#include <boost/json.hpp>
#include <deque>
#include <mutex>

#include "core/wire/codec.hpp"
#include "server/delivery/delivery_routes.hpp"
#include "server/metrics.hpp"

namespace mc::delivery {

namespace json = boost::json;

namespace {

constexpr int kStreamBatch = 200;
constexpr std::size_t kMaxHints = 64;

// Items handed to streams (from hints or from the store).
std::atomic<std::uint64_t>& delivered() {
  static auto& c = server::metrics().counter("msgcenter_stream_items_sent_total");
  return c;
}

// What the bus hands the stream, from publishing threads. Held by a shared
// pointer that the bus's callback holds weakly: a signal that races the
// stream's end finds nothing, rather than a freed stream.
struct Mailbox {
  std::mutex mu;
  std::deque<ItemHint> hints;  // announced new items, in the order announced
  bool items_pending = false;  // new items may exist that no hint describes
  std::weak_ptr<net::WebSocketPeer> peer;
};

class InboxStream final : public net::WebSocketSession {
 public:
  InboxStream(DeliveryContext& d, net::HttpRequest req, std::int64_t after, std::int64_t device_cursor,
              std::shared_ptr<net::WebSocketPeer> peer)
      : d_(d),
        req_(std::move(req)),
        caller_(req_.user()),
        after_(after),
        device_cursor_(device_cursor),
        cursor_(after),
        peer_(std::move(peer)) {
    mailbox_->peer = peer_;
    std::weak_ptr<Mailbox> weak = mailbox_;
    subscription_ = d_.bus.subscribe(caller_.user_id, [weak](const ItemHint* hint) {
      auto mb = weak.lock();
      if (!mb) return;
      std::shared_ptr<net::WebSocketPeer> peer;
      {
        std::lock_guard lk(mb->mu);
        // Copies an id and a pointer, not the payload.
        if (hint && mb->hints.size() < kMaxHints) mb->hints.push_back(*hint);
        else mb->items_pending = true;  // no hint, or too many: read the store instead
        peer = mb->peer.lock();
      }
      if (peer) peer->wake();
    });
  }

  Result<Pull> pull(bool may_block) override {
    {
      std::lock_guard lk(mailbox_->mu);
      if (mailbox_->items_pending) must_read_ = true;
    }
    if (must_read_) return read_store(may_block);
    std::deque<ItemHint> hints;
    {
      std::lock_guard lk(mailbox_->mu);
      hints.swap(mailbox_->hints);
    }
    Pull out;
    for (const auto& h : hints) {
      if (h.seq <= cursor_) continue;  // already sent
      if (h.seq != cursor_ + 1) {
        // An item before it is not here yet (publishers race): read the store.
        must_read_ = true;
        out.more = true;
        break;
      }
      out.frames.push_back(wire::item_frame(h.item_id, h.seq, *h.shared_part));
      cursor_ = h.seq;
      delivered().fetch_add(1, std::memory_order_relaxed);
    }
    return out;
  }

  std::optional<std::string> on_frame(const std::string& text) override {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) {
      return wire::error_frame(Error::invalid_argument("malformed_json", "a frame is one JSON object"));
    }
    const auto& o = v.as_object();
    const auto* type = o.if_contains("type");
    if (!type || !type->is_string()) {
      return wire::error_frame(Error::invalid_argument("missing_field", "a frame needs a 'type'"));
    }
    if (type->as_string() == "ack") {
      const auto* seq = o.if_contains("seq");
      if (!seq || !seq->is_int64() || seq->as_int64() < 0) {
        return wire::error_frame(
            Error::invalid_argument("invalid_field", "an ack needs 'seq', a non-negative integer"));
      }
      auto cursor = d_.deliveries.ack(caller_.user_id, caller_.device_id, seq->as_int64());
      if (!cursor) return wire::error_frame(cursor.error());
      return wire::acked_frame(*cursor);
    }
    if (type->as_string() == "ping") return wire::pong_frame();
    return wire::error_frame(
        Error::invalid_argument("unknown_frame", "unknown frame type '" + std::string(type->as_string()) + "'"));
  }

  // A logged-out or expired token must not keep receiving. With a bus that
  // can lose signals (NATS between nodes), the stream also reads the store
  // now, so a lost signal delays an item by one check interval at most.
  Status still_allowed() override {
    MC_TRY_STATUS(d_.auth.authenticate(req_));
    if (d_.bus.may_lose_signals()) {
      {
        std::lock_guard lk(mailbox_->mu);
        mailbox_->items_pending = true;
      }
      peer_->wake();
    }
    return {};
  }

 private:
  // The first pull, and whenever the hints cannot say what comes next.
  Result<Pull> read_store(bool may_block) {
    if (!may_block) return Pull{{}, false, true};
    {
      // Cleared before the read, which covers everything announced so far;
      // what arrives during the read stays for the next pull.
      std::lock_guard lk(mailbox_->mu);
      mailbox_->items_pending = false;
      mailbox_->hints.clear();
    }
    MC_TRY(auto items, d_.deliveries.list_inbox(caller_.user_id, cursor_, kStreamBatch));
    Pull out;
    if (!hello_sent_) {
      out.frames.push_back(
          wire::hello_frame(wire::Hello{caller_.network_id, caller_.device_id, after_, device_cursor_}));
      hello_sent_ = true;
    }
    for (const auto& it : items) {
      out.frames.push_back(wire::item_frame(it));
      cursor_ = it.seq;
    }
    delivered().fetch_add(items.size(), std::memory_order_relaxed);
    must_read_ = items.size() == static_cast<std::size_t>(kStreamBatch);
    out.more = must_read_;
    return out;
  }

  DeliveryContext& d_;
  const net::HttpRequest req_;  // its token is checked again by still_allowed
  const Caller caller_;
  const std::int64_t after_;          // the stream sends items with seq > after_
  const std::int64_t device_cursor_;  // what this device had acked when it connected
  // Touched only by pull(), which net never runs twice at once.
  std::int64_t cursor_;
  bool hello_sent_ = false;
  bool must_read_ = true;
  std::shared_ptr<net::WebSocketPeer> peer_;
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
  std::unique_ptr<Subscription> subscription_;  // last: ends first
};

}  // namespace

void register_inbox_stream(net::Router& router, DeliveryContext& d) {
  router.add_websocket("/v1/stream", net::Access::kUser,
                       [&d](net::HttpRequest& req, std::shared_ptr<net::WebSocketPeer> peer)
                           -> Result<std::unique_ptr<net::WebSocketSession>> {
                         // Without ?after the stream resumes after what this device has acked.
                         MC_TRY(auto cursor, d.deliveries.device_cursor(req.user().user_id, req.user().device_id));
                         MC_TRY(auto after, net::query_int(req, "after", cursor, 0, INT64_MAX));
                         return std::unique_ptr<net::WebSocketSession>(
                             std::make_unique<InboxStream>(d, req, after, cursor, std::move(peer)));
                       });
}

}  // namespace mc::delivery
