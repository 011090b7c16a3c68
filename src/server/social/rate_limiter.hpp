// Token buckets by key, for limits an attacker must not get around by
// spreading requests: address-book evaluations are limited per account,
// per device and per client address at once (docs/protocol.md "Address-book
// matching"). In memory, per node: a tier of N nodes allows N times as much.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mc::social {

class RateLimiter {
 public:
  struct Limit {
    double capacity = 0;           // tokens a full bucket holds
    double refill_per_second = 0;  // tokens added back each second, up to capacity
  };
  struct Take {
    std::string key;  // e.g. "account:42"
    Limit limit;
  };

  RateLimiter() = default;
  explicit RateLimiter(std::size_t max_keys) : max_keys_(max_keys) {}

  // Takes `n` tokens from every named bucket, or from none when one of them
  // holds fewer: then the answer is how many whole seconds until all of
  // them would hold `n` (at least 1; never, for `n` above a capacity, is
  // reported as the time to fill that bucket). A bucket seen for the first
  // time starts full.
  std::optional<std::int64_t> take(const std::vector<Take>& buckets, double n, std::int64_t now_ms);
  // Puts back `n` tokens taken for something that then did not happen (up
  // to each bucket's capacity).
  void give_back(const std::vector<Take>& buckets, double n, std::int64_t now_ms);

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t at_ms = 0;
  };
  static double level(const Bucket& b, const Limit& l, std::int64_t now_ms);
  // Forgets buckets that have refilled: a full bucket and no bucket are the same.
  void sweep(std::int64_t now_ms);

  std::mutex mu_;
  std::size_t max_keys_ = 200000;
  std::unordered_map<std::string, Bucket> buckets_;
  std::unordered_map<std::string, Limit> limits_;  // the limit each key was last taken with
  std::int64_t last_sweep_ms_ = 0;
};

}  // namespace mc::social
