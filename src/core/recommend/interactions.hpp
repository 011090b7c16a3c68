// The implicit-feedback matrix every recommender model trains on: users by
// items, dense indices on both sides, and per user the items they touched
// with a weight each. A weight is a strength, not a rating: 1 for "opened",
// more for stronger signals, negative for "not interested".
//
// External ids are strings (resource ids, user ids, or whatever a CSV log
// holds); IdIndex maps them to 0..n-1 and back, so models only see numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mc::recommend {

// Dense indices for string ids, in order of first appearance.
class IdIndex {
 public:
  // The id's index, adding it when new.
  std::uint32_t intern(std::string_view id);
  std::optional<std::uint32_t> find(std::string_view id) const;
  // REQUIRES: index < size().
  const std::string& id(std::uint32_t index) const { return ids_[index]; }
  std::size_t size() const { return ids_.size(); }
  void reserve(std::size_t n);

 private:
  // Transparent, so that a lookup by string_view allocates nothing: the CSV
  // reader looks up two ids per line, millions of times.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> index_;
  std::vector<std::string> ids_;
};

// One user's row of the matrix: parallel spans, `items` strictly increasing.
struct UserRow {
  std::span<const std::uint32_t> items;
  std::span<const float> weights;
  std::size_t size() const { return items.size(); }
  bool empty() const { return items.empty(); }
};

struct Interaction {
  std::uint32_t user = 0;
  std::uint32_t item = 0;
  float weight = 1.0f;
};

// A user-by-item sparse matrix in compressed rows. Immutable once built;
// rows are views into it and live as long as it does.
class Interactions {
 public:
  Interactions() = default;

  // Builds the matrix. Repeated (user, item) pairs become one entry whose
  // weight is their sum; entries whose weight sums to exactly 0 are kept
  // (a model may still count the item as touched).
  // REQUIRES: every user < num_users and item < num_items.
  static Interactions from_triplets(std::size_t num_users, std::size_t num_items,
                                    std::span<const Interaction> triplets);

  std::size_t num_users() const { return num_users_; }
  std::size_t num_items() const { return num_items_; }
  // Number of stored entries (distinct user-item pairs).
  std::size_t nnz() const { return items_.size(); }
  // REQUIRES: user < num_users().
  UserRow row(std::uint32_t user) const;

  // Per item, how many users have it with a positive weight.
  std::vector<std::uint32_t> positive_user_counts() const;

 private:
  std::size_t num_users_ = 0;
  std::size_t num_items_ = 0;
  std::vector<std::size_t> offsets_{0};  // num_users_ + 1
  std::vector<std::uint32_t> items_;
  std::vector<float> weights_;
};

// A history built by hand (a user who is not in the matrix, or tests):
// sorts by item and sums repeats, like Interactions does for a row.
class OwnedRow {
 public:
  OwnedRow() = default;
  explicit OwnedRow(std::vector<std::pair<std::uint32_t, float>> entries);
  UserRow view() const { return {items_, weights_}; }

 private:
  std::vector<std::uint32_t> items_;
  std::vector<float> weights_;
};

}  // namespace mc::recommend
