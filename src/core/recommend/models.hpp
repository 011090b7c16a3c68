// Recommender models over an Interactions matrix: the interface the
// recommender and the offline evaluation share, and the four models the
// evaluation compares. One model per file: random_model.cpp,
// most_popular_model.cpp, item_knn_model.cpp, ease_model.cpp.
//
// A model is trained once and then scored many times, from many threads at
// once: score() and the other const members are safe to call concurrently.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/recommend/interactions.hpp"

namespace mc::recommend {

class Model {
 public:
  virtual ~Model() = default;

  // The model's name in reports and on the command line: "ease".
  virtual std::string_view name() const = 0;

  // Learns from `data`, replacing what an earlier train() learned.
  virtual Status train(const Interactions& data) = 0;

  // Writes a score for every item into `out` (higher is better). Items of
  // the history are scored like any other: excluding them is the caller's
  // business.
  // REQUIRES: train() succeeded; out.size() == the trained num_items();
  // every history item < num_items().
  virtual void score(UserRow history, std::span<float> out) const = 0;

  // Bytes the trained model holds (its parameters, not scratch space).
  virtual std::size_t bytes() const = 0;
};

// Every item's score is a pseudo-random number drawn from the seed and the
// history, so that a user's ranking is the same on every run and different
// users get different rankings. A baseline: what chance achieves.
class RandomModel final : public Model {
 public:
  explicit RandomModel(std::uint64_t seed) : seed_(seed) {}
  std::string_view name() const override { return "random"; }
  Status train(const Interactions& data) override;
  void score(UserRow history, std::span<float> out) const override;
  std::size_t bytes() const override { return sizeof(*this); }

 private:
  std::uint64_t seed_;
  std::size_t num_items_ = 0;
};

// Every item's score is the number of users with a positive weight on it,
// whatever the history.
class MostPopularModel final : public Model {
 public:
  std::string_view name() const override { return "most-popular"; }
  Status train(const Interactions& data) override;
  void score(UserRow history, std::span<float> out) const override;
  std::size_t bytes() const override { return counts_.size() * sizeof(float); }

 private:
  std::vector<float> counts_;
};

// Item-based k-nearest neighbours (Sarwar et al. 2001; Deshpande and Karypis
// 2004): the cosine similarity between item columns, keeping each item's
// `neighbours` most similar items (only positive similarities). score(i) =
// sum over history items j of sim(j, i) * weight_j, where i is among j's
// neighbours.
class ItemKnnModel final : public Model {
 public:
  struct Neighbour {
    std::uint32_t item = 0;
    float similarity = 0;
  };

  explicit ItemKnnModel(std::size_t neighbours = 100) : k_(neighbours) {}
  std::string_view name() const override { return "item-knn"; }
  Status train(const Interactions& data) override;
  void score(UserRow history, std::span<float> out) const override;
  std::size_t bytes() const override;

  // Item's nearest neighbours, most similar first (ties: lower index first).
  // REQUIRES: item < the trained num_items().
  std::span<const Neighbour> neighbours(std::uint32_t item) const;

 private:
  std::size_t k_;
  std::vector<std::size_t> offsets_{0};
  std::vector<Neighbour> neighbours_;
};

// EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"):
// an item-item weight matrix B in closed form, G = X^T X + lambda*I,
// P = G^-1, B(j,i) = -P(j,i) / P(i,i), B(i,i) = 0; score = x_u^T B.
// X holds the interaction weights as given.
//
// Cost: O(sum of squared row lengths) for the Gram matrix, O(n^3) for the
// inverse, n^2 floats kept and twice that while training. Measured on 2
// cores: 10,000 items and 5 million interactions train in 26 s, 400 MB.
// An item nobody touched gets a zero column.
class EaseModel final : public Model {
 public:
  struct Options {
    float lambda = 500.0f;
    // Training refuses more items than this (n^2 floats, twice, while training).
    std::size_t max_items = 40'000;
  };

  EaseModel() = default;
  explicit EaseModel(Options options) : options_(options) {}
  std::string_view name() const override { return "ease"; }
  // Errors: kInvalidArgument "invalid_lambda" (lambda not > 0),
  // kTooLarge "too_many_items", kInternal "ease_not_positive_definite".
  Status train(const Interactions& data) override;
  void score(UserRow history, std::span<float> out) const override;
  std::size_t bytes() const override { return static_cast<std::size_t>(bt_.size()) * sizeof(float); }

  // B(from, to): how much having `from` in the history adds to `to`'s score.
  // REQUIRES: both < the trained num_items().
  float weight(std::uint32_t from, std::uint32_t to) const { return bt_(to, from); }

  // The history item contributing most to `item`'s score (the largest
  // weight_j * B(j, item)), for "because you opened X"; nullopt when no
  // history item contributes positively.
  std::optional<std::uint32_t> explain(UserRow history, std::uint32_t item) const;

 private:
  Options options_;
  // B transposed, column-major: column j is row j of B, contiguous, so that
  // scoring adds whole columns.
  Eigen::MatrixXf bt_;
};

struct ModelOptions {
  std::uint64_t seed = 1;
  std::size_t knn_neighbours = 100;
  EaseModel::Options ease;
};

// The model by its name(): "random", "most-popular", "item-knn", "ease".
// Errors: kInvalidArgument "unknown_model".
Result<std::unique_ptr<Model>> make_model(std::string_view name, const ModelOptions& options);

// The names make_model() knows, in the order reports list them.
std::span<const std::string_view> model_names();

}  // namespace mc::recommend
