#include <algorithm>

#include "core/recommend/models.hpp"

namespace mc::recommend {

Status MostPopularModel::train(const Interactions& data) {
  std::vector<std::uint32_t> counts = data.positive_user_counts();
  counts_.assign(counts.begin(), counts.end());
  return {};
}

void MostPopularModel::score(UserRow /*history*/, std::span<float> out) const {
  std::copy(counts_.begin(), counts_.end(), out.begin());
}

}  // namespace mc::recommend
