// The push scheduler inside msgcenterd (docs/pushes.md "Firing exactly
// once"): a thread that, once a tick, starts due campaign occurrences,
// sends open ones a chunk at a time, settles held pushes that came due,
// and retrains the recommender when it is time.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "server/push/push_clock.hpp"
#include "server/push/push_config.hpp"
#include "store/catalog_store.hpp"
#include "store/push_store.hpp"

namespace mc::delivery {
class Bus;
}

namespace mc::push {

class Scheduler {
 public:
  // `retrain` runs the recommender (recommend_job.hpp).
  Scheduler(store::PushStore& pushes, store::CatalogStore& catalog, delivery::Bus& bus, const PushConfig& config,
            const PushClock& clock, std::function<Status()> retrain);
  ~Scheduler();  // stops after the chunk in hand
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();
  // One tick's work, in the caller's thread (tests, and the loop).
  Status tick();

 private:
  void loop();
  Status send_chunk(const store::CampaignRun& run, bool& more);
  Status settle_held();
  bool pause_for(std::chrono::steady_clock::duration d);

  store::PushStore& pushes_;
  store::CatalogStore& catalog_;
  delivery::Bus& bus_;
  PushConfig config_;
  const PushClock& clock_;
  std::function<Status()> retrain_;
  std::int64_t last_retrain_ms_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<bool> retraining_{false};
  std::thread retrainer_;
};

}  // namespace mc::push
