// Downloads and shares counted in memory, per resource and day, until the
// catalog area writes them in one batch a minute (docs/catalog.md
// "Popularity"): no request writes on its own account. One per process,
// counted from any thread, like metrics().
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store/catalog_store.hpp"

namespace mc::server {

class PopularityCounts {
 public:
  void count_download(const std::string& resource_id);
  void count_share(const std::string& resource_id);
  // Everything counted since the last take, and forgets it.
  std::vector<store::PopularityCount> take();
  // Puts back counts a failed write could not store (they are tried again).
  void put_back(const std::vector<store::PopularityCount>& counts);

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::int64_t>, std::pair<std::int64_t, std::int64_t>> counts_;
};

PopularityCounts& popularity_counts();

// Days since 1970-01-01 UTC of a time in milliseconds.
std::int64_t day_of(std::int64_t ms);

}  // namespace mc::server
