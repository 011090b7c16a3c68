// Published resources, kept in memory by every backend's CatalogStore: a
// resource never changes once published (there is no update or delete yet),
// and every share looks one up. Bounded; when full it starts over.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

class ResourceCache {
 public:
  static constexpr std::size_t kMaxEntries = 10000;

  // The resource `id`, from memory, else from `fetch` (kept for next time).
  Result<Resource> lookup(const std::string& id, const std::function<Result<Resource>()>& fetch) {
    {
      std::lock_guard lk(mu_);
      if (auto it = resources_.find(id); it != resources_.end()) return it->second;
    }
    MC_TRY(auto found, fetch());
    std::unordered_map<std::string, Resource> dropped;  // freed after the lock, not under it
    std::lock_guard lk(mu_);
    if (resources_.size() >= kMaxEntries) dropped.swap(resources_);
    resources_.emplace(id, found);
    return found;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Resource> resources_;
};

}  // namespace mc::store
