#pragma once

#include <chrono>
#include <cstdint>

namespace mc::cli {

// A one-line progress bar on stderr, redrawn at most ten times a second.
class ProgressBar {
 public:
  void update(std::uint64_t done, std::uint64_t total);
  void finish();

 private:
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

}  // namespace mc::cli
