// Many WebSocket clients of /v1/stream in one thread, for the fan-out and
// idle-memory benchmarks. Each connection records when its first item frame
// arrives after an arm() call.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mc::bench {

class WsSwarm {
 public:
  using Clock = std::chrono::steady_clock;

  WsSwarm();
  ~WsSwarm();

  // Opens one stream per token (query: "?after=N"), at most `parallel`
  // handshakes at a time; returns how many said hello within the time limit.
  std::size_t connect(int port, const std::vector<std::string>& tokens, const std::vector<std::string>& queries,
                      std::size_t parallel, std::chrono::seconds limit);
  // Starts counting: each connection's next item frame is timed.
  void arm();
  // Waits until every connection got its item or `limit` passed; returns
  // the arrival times of those that did.
  std::vector<Clock::time_point> wait_items(std::chrono::seconds limit);
  void close_all();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc::bench
