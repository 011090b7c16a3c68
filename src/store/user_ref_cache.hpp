// network ID -> user id, kept in memory by every backend's AccountStore:
// users are never renamed or deleted, so the pairing never changes, and
// every share names its recipients. Bounded; when full it starts over.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

class UserRefCache {
 public:
  static constexpr std::size_t kMaxEntries = 200000;

  // The users among `network_ids` (each once), from memory where known and
  // from `fetch` (the store's find_users) for the rest.
  Result<std::vector<UserRef>> lookup(
      const std::vector<std::string>& network_ids,
      const std::function<Result<std::vector<User>>(const std::vector<std::string>&)>& fetch) {
    std::vector<UserRef> out;
    std::vector<std::string> missing;
    std::unordered_set<std::string> seen;  // each name answered once, cached or not
    {
      std::lock_guard lk(mu_);
      for (const auto& n : network_ids) {
        if (!seen.insert(n).second) continue;
        if (auto it = ids_.find(n); it != ids_.end()) out.push_back(UserRef{it->second, n});
        else missing.push_back(n);
      }
    }
    if (missing.empty()) return out;
    MC_TRY(auto found, fetch(missing));
    std::unordered_map<std::string, std::int64_t> dropped;  // freed after the lock, not under it
    std::lock_guard lk(mu_);
    if (ids_.size() + found.size() > kMaxEntries) dropped.swap(ids_);
    for (auto& u : found) {
      ids_.emplace(u.network_id, u.id);
      out.push_back(UserRef{u.id, std::move(u.network_id)});
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::int64_t> ids_;
};

}  // namespace mc::store
