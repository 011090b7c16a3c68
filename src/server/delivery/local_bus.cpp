#include "server/delivery/local_bus.hpp"

#include <vector>

namespace mc::delivery {

class LocalBus::Entry final : public Subscription {
 public:
  Entry(LocalBus& bus, std::int64_t user, std::list<std::shared_ptr<Notify>>::iterator it)
      : bus_(bus), user_(user), it_(it) {}
  ~Entry() override {
    std::lock_guard lk(bus_.mu_);
    auto m = bus_.subs_.find(user_);
    m->second.erase(it_);
    if (m->second.empty()) bus_.subs_.erase(m);
  }

 private:
  LocalBus& bus_;
  std::int64_t user_;
  std::list<std::shared_ptr<Notify>>::iterator it_;
};

std::unique_ptr<Subscription> LocalBus::subscribe(std::int64_t user_id, Notify notify) {
  std::lock_guard lk(mu_);
  auto& l = subs_[user_id];
  l.push_back(std::make_shared<Notify>(std::move(notify)));
  return std::make_unique<Entry>(*this, user_id, std::prev(l.end()));
}

void LocalBus::publish(std::int64_t user_id, const ItemHint* hint) {
  std::vector<std::shared_ptr<Notify>> targets;
  {
    std::lock_guard lk(mu_);
    auto m = subs_.find(user_id);
    if (m == subs_.end()) return;
    targets.assign(m->second.begin(), m->second.end());
  }
  for (auto& t : targets) (*t)(hint);
}

void LocalBus::publish_all() {
  std::vector<std::shared_ptr<Notify>> targets;
  {
    std::lock_guard lk(mu_);
    for (const auto& [user, list] : subs_) targets.insert(targets.end(), list.begin(), list.end());
  }
  for (auto& t : targets) (*t)(nullptr);
}

}  // namespace mc::delivery
