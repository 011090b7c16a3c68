// The bus: "user U has new items". A committed share (or receipt) publishes
// on it for each recipient; the node that holds a recipient's stream wakes
// it. LocalBus (local_bus.hpp) carries the signal inside one process; with
// several nodes it travels over NATS. The signal is a hint, never the
// truth: streams read items from the store, so a lost signal delays an
// item, it never loses one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace mc::delivery {

// A new item, announced with the signal so that a stream whose cursor is
// right before it can send it without reading the store. The part of the
// frame every recipient shares is held once, by pointer.
struct ItemHint {
  std::int64_t seq = 0;
  std::string item_id;
  std::shared_ptr<const std::string> shared_part;
};

// Called with a hint, or with nullptr for "new items may exist".
using Notify = std::function<void(const ItemHint*)>;

// Keeps a subscription alive while it exists.
class Subscription {
 public:
  virtual ~Subscription() = default;
};

class Bus {
 public:
  virtual ~Bus() = default;
  // `notify` is called from a publishing thread; it must be quick and must
  // not block.
  virtual std::unique_ptr<Subscription> subscribe(std::int64_t user_id, Notify notify) = 0;
  // `hint` (may be null) describes the one new item, when there is one.
  virtual void publish(std::int64_t user_id, const ItemHint* hint = nullptr) = 0;
  // One share's new items, which all carry the same shared part of their
  // frame. Between nodes this is one message per batch of recipients, not
  // one per recipient, and it carries the hints: streams elsewhere send the
  // item without reading the store.
  virtual void publish_items(const std::vector<store::Delivery>& items,
                             std::shared_ptr<const std::string> shared_part) {
    for (const auto& d : items) {
      ItemHint h{d.seq, d.item_id, shared_part};
      publish(d.user_id, &h);
    }
  }
  // True when a signal can be lost on the way (between nodes): streams then
  // also read the store on a timer (stream_session_check_seconds).
  virtual bool may_lose_signals() const { return false; }

  // Cache invalidation between nodes: `topic` names what changed
  // ("session"), `key` which one. One node has nothing to tell.
  using Invalidation = std::function<void(const std::string& topic, const std::string& key)>;
  virtual void publish_invalidation(const std::string& /*topic*/, const std::string& /*key*/) {}
  // `fn` is called, from any thread, for every other node's invalidation.
  virtual void on_invalidation(Invalidation /*fn*/) {}
};

}  // namespace mc::delivery
