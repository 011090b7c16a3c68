#include "cli/progress_bar.hpp"

#include <cstdio>
#include <string>

namespace mc::cli {

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  constexpr int kWidth = 30;
  double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r[%s] %3d%% %.1f/%.1f MiB", bar.c_str(), static_cast<int>(frac * 100),
               static_cast<double>(done) / (1 << 20), static_cast<double>(total) / (1 << 20));
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
}

}  // namespace mc::cli
