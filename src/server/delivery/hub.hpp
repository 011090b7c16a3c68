// The in-process bus: "user U has new items". A share wakes the streams of
// its recipients on this node; with several nodes the same signal travels
// over NATS. The signal carries no payload: streams read the items from the
// store, so a lost signal delays an item, it never loses one.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/net/stream_service.hpp"

namespace mc::delivery {

class Hub {
 public:
  // `notify` is called from the publishing thread; it must not block.
  std::unique_ptr<net::Subscription> subscribe(std::int64_t user_id, net::Notify notify);
  // `hint` (may be null) describes the one new item, when there is one.
  void publish(std::int64_t user_id, const net::ItemHint* hint = nullptr);

 private:
  class Entry;
  std::mutex mu_;
  std::unordered_map<std::int64_t, std::list<std::shared_ptr<net::Notify>>> subs_;
};

}  // namespace mc::delivery
