#include "core/recommend/interactions.hpp"

#include <algorithm>
#include <utility>

namespace mc::recommend {

std::uint32_t IdIndex::intern(std::string_view id) {
  if (auto it = index_.find(id); it != index_.end()) return it->second;
  auto index = static_cast<std::uint32_t>(ids_.size());
  ids_.emplace_back(id);
  index_.emplace(ids_.back(), index);
  return index;
}

std::optional<std::uint32_t> IdIndex::find(std::string_view id) const {
  if (auto it = index_.find(id); it != index_.end()) return it->second;
  return std::nullopt;
}

void IdIndex::reserve(std::size_t n) {
  index_.reserve(n);
  ids_.reserve(n);
}

Interactions Interactions::from_triplets(std::size_t num_users, std::size_t num_items,
                                         std::span<const Interaction> triplets) {
  Interactions m;
  m.num_users_ = num_users;
  m.num_items_ = num_items;

  // Counting sort by user, then each row sorted by item and its repeats
  // merged: linear in the input apart from the small per-row sorts.
  std::vector<std::size_t> start(num_users + 1, 0);
  for (const Interaction& t : triplets) ++start[t.user + 1];
  for (std::size_t u = 0; u < num_users; ++u) start[u + 1] += start[u];
  std::vector<std::pair<std::uint32_t, float>> by_user(triplets.size());
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (const Interaction& t : triplets) by_user[next[t.user]++] = {t.item, t.weight};
  }

  m.offsets_.assign(num_users + 1, 0);
  m.items_.reserve(triplets.size());
  m.weights_.reserve(triplets.size());
  for (std::size_t u = 0; u < num_users; ++u) {
    auto first = by_user.begin() + static_cast<std::ptrdiff_t>(start[u]);
    auto last = by_user.begin() + static_cast<std::ptrdiff_t>(start[u + 1]);
    std::stable_sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = first; it != last; ++it) {
      if (m.items_.size() > m.offsets_[u] && m.items_.back() == it->first) {
        m.weights_.back() += it->second;
      } else {
        m.items_.push_back(it->first);
        m.weights_.push_back(it->second);
      }
    }
    m.offsets_[u + 1] = m.items_.size();
  }
  return m;
}

UserRow Interactions::row(std::uint32_t user) const {
  std::size_t b = offsets_[user], e = offsets_[user + 1];
  return {std::span<const std::uint32_t>(items_).subspan(b, e - b), std::span<const float>(weights_).subspan(b, e - b)};
}

std::vector<std::uint32_t> Interactions::positive_user_counts() const {
  std::vector<std::uint32_t> counts(num_items_, 0);
  for (std::size_t k = 0; k < items_.size(); ++k) {
    if (weights_[k] > 0) ++counts[items_[k]];
  }
  return counts;
}

OwnedRow::OwnedRow(std::vector<std::pair<std::uint32_t, float>> entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [item, weight] : entries) {
    if (!items_.empty() && items_.back() == item) {
      weights_.back() += weight;
    } else {
      items_.push_back(item);
      weights_.push_back(weight);
    }
  }
}

}  // namespace mc::recommend
