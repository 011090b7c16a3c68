#include <cstring>

#include "core/recommend/models.hpp"

namespace mc::recommend {

namespace {

// SplitMix64 (Steele, Lea and Flood 2014): a good 64-bit mix in a few
// instructions, and stateless, so that score() needs no lock.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

Status RandomModel::train(const Interactions& data) {
  num_items_ = data.num_items();
  return {};
}

void RandomModel::score(UserRow history, std::span<float> out) const {
  // The history picks the stream: the same user gets the same ranking on
  // every run, and two users with different histories different rankings.
  std::uint64_t h = mix(seed_);
  for (std::size_t k = 0; k < history.size(); ++k) {
    std::uint32_t w;
    std::memcpy(&w, &history.weights[k], sizeof w);
    h = mix(h ^ ((std::uint64_t{history.items[k]} << 32) | w));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    // 24 random bits: exactly representable in a float, in [0, 1).
    out[i] = static_cast<float>(mix(h + i) >> 40) * (1.0f / 16777216.0f);
  }
}

}  // namespace mc::recommend
