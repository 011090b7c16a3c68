// The bus between nodes: "user U has new items" over NATS. A committed item
// is signalled to this node's streams at once (through a LocalBus, with its
// hint) and published on NATS for the others, which wake their streams of U
// to read the store. NATS carries no item and no truth: a lost message only
// delays delivery until the stream's next catch-up read
// (may_lose_signals), and a reconnect to NATS wakes every local stream.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "core/error.hpp"
#include "server/delivery/local_bus.hpp"

struct __natsConnection;
struct __natsSubscription;

namespace mc::delivery {

class NatsBus final : public Bus {
 public:
  // Connects to `url` (nats://HOST:PORT), reconnecting forever when the
  // connection drops. Errors: kUnavailable when the URL cannot be used.
  static Result<std::unique_ptr<NatsBus>> connect(const std::string& url);
  ~NatsBus() override;

  std::unique_ptr<Subscription> subscribe(std::int64_t user_id, Notify notify) override;
  void publish(std::int64_t user_id, const ItemHint* hint = nullptr) override;
  void publish_items(const std::vector<store::Delivery>& items,
                     std::shared_ptr<const std::string> shared_part) override;
  bool may_lose_signals() const override { return true; }
  void publish_invalidation(const std::string& topic, const std::string& key) override;
  void on_invalidation(Invalidation fn) override;

  // Signals from other nodes received so far (for tests and metrics).
  std::uint64_t received() const { return received_.load(); }

 private:
  NatsBus() = default;
  void on_message(const std::string& subject, const std::string& data);
  void on_items(const std::string& data);
  void on_reconnected();

  LocalBus local_;
  std::string node_id_;  // our own messages come back to us; this tells them apart
  __natsConnection* conn_ = nullptr;
  __natsSubscription* sub_ = nullptr;
  __natsSubscription* invalidations_sub_ = nullptr;
  __natsSubscription* items_sub_ = nullptr;
  std::mutex invalidation_mu_;
  Invalidation invalidation_;
  std::atomic<std::uint64_t> received_{0};

  // Shutdown waits for the library's callbacks: each subscription reports
  // that its handler has returned for the last time, the connection that
  // it is closed. Only then do the members the callbacks use go.
  void subscribed(__natsSubscription* sub);
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  int subscriptions_ = 0;
  int subscriptions_done_ = 0;
  bool closed_ = false;
};

}  // namespace mc::delivery
