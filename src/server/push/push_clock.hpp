// The push area's idea of now: the wall clock, or for tests the time in
// PushConfig::clock_file, re-read on every call so a test can move it.
#pragma once

#include <cstdint>
#include <string>

namespace mc::push {

class PushClock {
 public:
  explicit PushClock(std::string file) : file_(std::move(file)) {}
  std::int64_t now_ms() const;

 private:
  std::string file_;
};

}  // namespace mc::push
