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
  // Ids kept in all, rankings and snapshots each: a bound on memory
  // (about 40 MB each), whatever queries arrive.
  static constexpr std::size_t kMaxIds = 1'000'000;

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

  // Bumped by clear(): a ranking computed before a change is not kept after it.
  std::uint64_t generation() {
    std::lock_guard lk(mu_);
    return generation_;
  }

  void clear() {
    std::unordered_map<std::string, Entry> dropped;
    std::lock_guard lk(mu_);
    dropped.swap(entries_);
    entries_ids_ = 0;
    ++generation_;
  }

  // Snapshots this node made, by id, until they expire: a next page asked
  // of this node needs no read, and none waits for the snapshot's write.
  void remember_snapshot(const std::string& id, std::vector<std::string> ids, std::int64_t until) {
    std::unordered_map<std::string, Entry> dropped;
    std::lock_guard lk(mu_);
    if (snapshots_.size() >= kMaxEntries || snapshot_ids_ + ids.size() > kMaxIds) {
      dropped.swap(snapshots_);  // the store still has them
      snapshot_ids_ = 0;
    }
    if (auto it = snapshots_.find(id); it != snapshots_.end()) snapshot_ids_ -= it->second.ids.size();
    snapshot_ids_ += ids.size();
    snapshots_.insert_or_assign(id, Entry{std::move(ids), id, until});
  }
  std::optional<std::vector<std::string>> find_snapshot(const std::string& id, std::int64_t now) {
    std::lock_guard lk(mu_);
    auto it = snapshots_.find(id);
    if (it == snapshots_.end() || it->second.until <= now) return std::nullopt;
    return it->second.ids;
  }

  // Keeps `e` unless the cache was cleared since `generation`.
  void put(const std::string& key, Entry e, std::uint64_t generation) {
    std::unordered_map<std::string, Entry> dropped;  // freed after the lock
    std::lock_guard lk(mu_);
    if (generation != generation_) return;
    if (entries_.size() >= kMaxEntries || entries_ids_ + e.ids.size() > kMaxIds) {
      dropped.swap(entries_);
      entries_ids_ = 0;
    }
    if (auto it = entries_.find(key); it != entries_.end()) entries_ids_ -= it->second.ids.size();
    entries_ids_ += e.ids.size();
    entries_.insert_or_assign(key, std::move(e));
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, Entry> snapshots_;
  std::size_t entries_ids_ = 0, snapshot_ids_ = 0;
  std::uint64_t generation_ = 0;
};

// Listing and search pages as they were answered, on this node, for a
// moment: a page many users ask for at once (the storefront's first page, a
// popular search) is answered from memory, with an ETag for a 304. Listings
// show every logged-in user the same records, so one copy serves all.
// Cleared by this node's publishes and changes; another node's show here
// within kTtlMs.
class PageCache {
 public:
  static constexpr std::int64_t kTtlMs = 2000;
  static constexpr std::size_t kMaxEntries = 1000;
  static constexpr std::size_t kMaxBytes = 32u << 20;

  struct Page {
    std::string body;
    std::string etag;
    std::int64_t until = 0;
  };

  std::optional<Page> find(const std::string& key, std::int64_t now) {
    std::lock_guard lk(mu_);
    auto it = pages_.find(key);
    if (it == pages_.end() || it->second.until <= now) return std::nullopt;
    return it->second;
  }

  std::uint64_t generation() {
    std::lock_guard lk(mu_);
    return generation_;
  }

  // Keeps `p` unless the cache was cleared since `generation`.
  void put(const std::string& key, Page p, std::uint64_t generation) {
    std::unordered_map<std::string, Page> dropped;  // freed after the lock
    std::lock_guard lk(mu_);
    if (generation != generation_) return;
    if (pages_.size() >= kMaxEntries || bytes_ + p.body.size() > kMaxBytes) {
      dropped.swap(pages_);
      bytes_ = 0;
    }
    if (auto it = pages_.find(key); it != pages_.end()) bytes_ -= it->second.body.size();
    bytes_ += p.body.size();
    pages_.insert_or_assign(key, std::move(p));
  }

  void clear() {
    std::unordered_map<std::string, Page> dropped;
    std::lock_guard lk(mu_);
    dropped.swap(pages_);
    bytes_ = 0;
    ++generation_;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Page> pages_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace mc::catalog
