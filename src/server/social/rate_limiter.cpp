#include "server/social/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace mc::social {

double RateLimiter::level(const Bucket& b, const Limit& l, std::int64_t now_ms) {
  double elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ms - b.at_ms)) / 1000.0;
  return std::min(l.capacity, b.tokens + elapsed * l.refill_per_second);
}

std::optional<std::int64_t> RateLimiter::take(const std::vector<Take>& buckets, double n, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  double wait_seconds = 0;
  for (const auto& t : buckets) {
    auto it = buckets_.find(t.key);
    double have = it == buckets_.end() ? t.limit.capacity : level(it->second, t.limit, now_ms);
    if (have >= n) continue;
    double need = std::min(n, t.limit.capacity) - have;
    double rate = std::max(t.limit.refill_per_second, 1e-9);
    wait_seconds = std::max(wait_seconds, std::max(need, 0.0) / rate);
    if (n > t.limit.capacity) wait_seconds = std::max(wait_seconds, t.limit.capacity / rate);
  }
  if (wait_seconds > 0) return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_seconds)));
  for (const auto& t : buckets) {
    auto it = buckets_.find(t.key);
    double have = it == buckets_.end() ? t.limit.capacity : level(it->second, t.limit, now_ms);
    buckets_[t.key] = Bucket{have - n, now_ms};
    limits_[t.key] = t.limit;
  }
  // A sweep walks every bucket: at most once a second, however many keys.
  if (buckets_.size() > max_keys_ && now_ms - last_sweep_ms_ >= 1000) {
    last_sweep_ms_ = now_ms;
    sweep(now_ms);
  }
  return std::nullopt;
}

void RateLimiter::give_back(const std::vector<Take>& buckets, double n, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  for (const auto& t : buckets) {
    auto it = buckets_.find(t.key);
    if (it == buckets_.end()) continue;  // full already
    it->second = Bucket{std::min(t.limit.capacity, level(it->second, t.limit, now_ms) + n), now_ms};
  }
}

void RateLimiter::sweep(std::int64_t now_ms) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Limit& l = limits_[it->first];
    if (level(it->second, l, now_ms) >= l.capacity) {
      limits_.erase(it->first);
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace mc::social
