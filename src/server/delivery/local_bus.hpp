// The bus inside one process: a map from users to the notify callbacks of
// their open streams. Hints are passed by pointer, never copied per stream
// beyond an id and a shared pointer.
#pragma once

#include <list>
#include <mutex>
#include <unordered_map>

#include "server/delivery/bus.hpp"

namespace mc::delivery {

class LocalBus final : public Bus {
 public:
  // `shared_store`: other nodes write to the same store but cannot signal
  // us (a PostgreSQL store without NATS), so streams must also read the
  // store on their timer.
  explicit LocalBus(bool shared_store = false) : shared_store_(shared_store) {}
  bool may_lose_signals() const override { return shared_store_; }
  std::unique_ptr<Subscription> subscribe(std::int64_t user_id, Notify notify) override;
  void publish(std::int64_t user_id, const ItemHint* hint = nullptr) override;
  // Wakes every stream on this node to read the store.
  void publish_all();

 private:
  class Entry;
  bool shared_store_;
  std::mutex mu_;
  std::unordered_map<std::int64_t, std::list<std::shared_ptr<Notify>>> subs_;
};

}  // namespace mc::delivery
