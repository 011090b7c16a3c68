#include <algorithm>
#include <cmath>

#include "core/recommend/models.hpp"

namespace mc::recommend {

Status ItemKnnModel::train(const Interactions& data) {
  const std::size_t n = data.num_items();
  const auto num_users = static_cast<std::uint32_t>(data.num_users());

  // Columns (item -> users), to walk each item's co-occurrences.
  std::vector<std::size_t> col_start(n + 1, 0);
  for (std::uint32_t u = 0; u < num_users; ++u) {
    for (std::uint32_t i : data.row(u).items) ++col_start[i + 1];
  }
  for (std::size_t i = 0; i < n; ++i) col_start[i + 1] += col_start[i];
  std::vector<std::uint32_t> col_users(col_start[n]);
  std::vector<float> col_weights(col_start[n]);
  std::vector<double> norm(n, 0.0);
  {
    std::vector<std::size_t> next(col_start.begin(), col_start.end() - 1);
    for (std::uint32_t u = 0; u < num_users; ++u) {
      UserRow r = data.row(u);
      for (std::size_t k = 0; k < r.size(); ++k) {
        std::size_t at = next[r.items[k]]++;
        col_users[at] = u;
        col_weights[at] = r.weights[k];
        norm[r.items[k]] += double{r.weights[k]} * r.weights[k];
      }
    }
  }
  for (double& v : norm) v = std::sqrt(v);

  // Each item's dot products with every item it co-occurs with, in a dense
  // accumulator per thread (touched entries listed, so clearing costs what
  // filling did). Total work: the sum over users of their row length
  // squared, the same as a sparse X^T X.
  std::vector<std::vector<Neighbour>> lists(n);
#pragma omp parallel
  {
    std::vector<double> acc(n, 0.0);
    std::vector<std::uint32_t> touched;
    std::vector<Neighbour> candidates;
#pragma omp for schedule(dynamic, 16)
    for (std::size_t i = 0; i < n; ++i) {
      if (norm[i] == 0) continue;
      for (std::size_t c = col_start[i]; c < col_start[i + 1]; ++c) {
        UserRow r = data.row(col_users[c]);
        const double wi = col_weights[c];
        for (std::size_t k = 0; k < r.size(); ++k) {
          std::uint32_t j = r.items[k];
          if (j == i) continue;
          if (acc[j] == 0) touched.push_back(j);
          acc[j] += wi * r.weights[k];
          // A sum may come back to exactly 0 and be listed twice: harmless,
          // the second visit below reads 0 and skips.
        }
      }
      candidates.clear();
      for (std::uint32_t j : touched) {
        if (acc[j] > 0 && norm[j] > 0) {
          candidates.push_back({j, static_cast<float>(acc[j] / (norm[i] * norm[j]))});
        }
        acc[j] = 0;
      }
      touched.clear();
      auto better = [](const Neighbour& a, const Neighbour& b) {
        return a.similarity != b.similarity ? a.similarity > b.similarity : a.item < b.item;
      };
      if (candidates.size() > k_) {
        std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k_), candidates.end(),
                         better);
        candidates.resize(k_);
      }
      std::sort(candidates.begin(), candidates.end(), better);
      lists[i] = candidates;
    }
  }

  offsets_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) offsets_[i + 1] = offsets_[i] + lists[i].size();
  neighbours_.clear();
  neighbours_.reserve(offsets_[n]);
  for (auto& l : lists) neighbours_.insert(neighbours_.end(), l.begin(), l.end());
  return {};
}

void ItemKnnModel::score(UserRow history, std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  for (std::size_t k = 0; k < history.size(); ++k) {
    const float w = history.weights[k];
    for (const Neighbour& nb : neighbours(history.items[k])) out[nb.item] += nb.similarity * w;
  }
}

std::size_t ItemKnnModel::bytes() const {
  return neighbours_.size() * sizeof(Neighbour) + offsets_.size() * sizeof(std::size_t);
}

std::span<const ItemKnnModel::Neighbour> ItemKnnModel::neighbours(std::uint32_t item) const {
  return std::span<const Neighbour>(neighbours_).subspan(offsets_[item], offsets_[item + 1] - offsets_[item]);
}

}  // namespace mc::recommend
