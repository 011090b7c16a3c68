#include "server/popularity_counts.hpp"

#include "core/clock.hpp"

namespace mc::server {

std::int64_t day_of(std::int64_t ms) { return ms / 86'400'000; }

void PopularityCounts::count_download(const std::string& resource_id) {
  auto day = day_of(now_ms());
  std::lock_guard lk(mu_);
  counts_[{resource_id, day}].first += 1;
}

void PopularityCounts::count_share(const std::string& resource_id) {
  auto day = day_of(now_ms());
  std::lock_guard lk(mu_);
  counts_[{resource_id, day}].second += 1;
}

std::vector<store::PopularityCount> PopularityCounts::take() {
  decltype(counts_) taken;
  {
    std::lock_guard lk(mu_);
    taken.swap(counts_);
  }
  std::vector<store::PopularityCount> out;
  for (const auto& [key, n] : taken) out.push_back({key.first, key.second, n.first, n.second});
  return out;
}

void PopularityCounts::put_back(const std::vector<store::PopularityCount>& counts) {
  std::lock_guard lk(mu_);
  for (const auto& c : counts) {
    auto& n = counts_[{c.resource_id, c.day}];
    n.first += c.downloads;
    n.second += c.shares;
  }
}

PopularityCounts& popularity_counts() {
  static PopularityCounts counts;
  return counts;
}

}  // namespace mc::server
