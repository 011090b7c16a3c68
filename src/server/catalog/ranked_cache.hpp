// The rankings of recent ranked listings (popular, relevance) on this node,
// kept for a few seconds: the first page of a search many users run at once
// costs no ranking and no snapshot write. A publish or a change through this
// node clears them; one through another node of a tier shows here within
// kTtlMs; an unpublished resource leaves at once everywhere (pages are read
// through CatalogStore::resources_by_ids, which skips it).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mc::catalog {

class RankedCache {
 public:
  static constexpr std::int64_t kTtlMs = 10'000;
  static constexpr std::size_t kMaxEntries = 1000;

  struct Entry {
    std::vector<std::string> ids;  // best first
    std::string snapshot;          // the stored snapshot of ids, "" when none was needed yet
    std::int64_t until = 0;
  };

  std::optional<Entry> find(const std::string& key, std::int64_t now) {
    std::lock_guard lk(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.until <= now) return std::nullopt;
    return it->second;
  }

  void clear() {
    std::unordered_map<std::string, Entry> dropped;
    std::lock_guard lk(mu_);
    dropped.swap(entries_);
  }

  void put(const std::string& key, Entry e) {
    std::unordered_map<std::string, Entry> dropped;  // freed after the lock
    std::lock_guard lk(mu_);
    if (entries_.size() >= kMaxEntries) dropped.swap(entries_);
    entries_.insert_or_assign(key, std::move(e));
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace mc::catalog
