// The push section of the server's configuration (docs/pushes.md).
#pragma once

#include <cstdint>
#include <string>

namespace mc::push {

struct PushConfig {
  // The most pushes a user takes a day and a week (their local day and ISO
  // week); a user may ask for fewer, never more.
  int per_day = 3;
  int per_week = 10;
  // How often the scheduler looks for due campaigns and held pushes.
  std::int64_t tick_ms = 1000;
  // Users per chunk of a campaign (one write each; shares wait behind a
  // chunk, so a small one keeps their latency down: bench_pushes).
  int chunk = 500;
  // How often the recommender retrains inside the server (0: never; run
  // `msgcenterd recommend` instead).
  std::int64_t recommend_every_seconds = 86400;
  // Tests only: a file holding the Unix time in milliseconds that the push
  // scheduler and the push routes take as now (a fake clock for quiet hours
  // and caps). Empty: the real clock.
  std::string clock_file;
};

}  // namespace mc::push
