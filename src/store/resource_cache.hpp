// Resources kept in memory by every backend's CatalogStore: every share
// looks one up. An entry lives kTtlMs at most, so that a PATCH or an
// unpublish made on another node of a tier shows here within that time (this
// node forgets its own changes at once); access decisions never read it
// (CatalogStore::access_facts). Bounded; when full it starts over.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

class ResourceCache {
 public:
  static constexpr std::size_t kMaxEntries = 10000;
  static constexpr std::int64_t kTtlMs = 2000;

  // The resource `id`, from memory, else from `fetch` (kept for next time).
  Result<Resource> lookup(const std::string& id, const std::function<Result<Resource>()>& fetch) {
    {
      std::lock_guard lk(mu_);
      if (auto it = resources_.find(id); it != resources_.end() && it->second.second > now_ms()) {
        return it->second.first;
      }
    }
    MC_TRY(auto found, fetch());
    Map dropped;  // freed after the lock, not under it
    std::lock_guard lk(mu_);
    if (resources_.size() >= kMaxEntries) dropped.swap(resources_);
    resources_.insert_or_assign(id, std::make_pair(found, now_ms() + kTtlMs));
    return found;
  }

  void forget(const std::string& id) {
    std::lock_guard lk(mu_);
    resources_.erase(id);
  }

 private:
  std::mutex mu_;
  using Map = std::unordered_map<std::string, std::pair<Resource, std::int64_t>>;  // with its expiry
  Map resources_;
};

}  // namespace mc::store
