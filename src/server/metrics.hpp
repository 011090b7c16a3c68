// The node's metrics, for Prometheus: counters, gauges and histograms kept in
// memory, rendered at GET /metrics in the text exposition format. One
// registry per process (metrics()), written from any thread; a metric is
// named once, where it is counted.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mc::server {

class Histogram {
 public:
  // Upper bounds in seconds, ascending.
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  void observe(double seconds);
  std::array<std::uint64_t, kBounds.size() + 1> counts() const;  // the last: above every bound
  double sum() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> counts_{};
  std::atomic<std::uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  // A counter by name and labels ("route=\"GET /v1/inbox\",code=\"200\"");
  // made on first use, then kept.
  std::atomic<std::uint64_t>& counter(const std::string& name, const std::string& labels = "");
  std::atomic<std::int64_t>& gauge(const std::string& name, const std::string& labels = "");
  Histogram& histogram(const std::string& name, const std::string& labels = "");
  // A value read when /metrics is rendered (a queue's depth, say).
  void gauge_fn(const std::string& name, std::function<double()> read);
  void remove_gauge_fn(const std::string& name);

  // The text exposition format (version 0.0.4).
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<std::atomic<std::uint64_t>>> counters_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<std::atomic<std::int64_t>>> gauges_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Histogram>> histograms_;
  std::map<std::string, std::function<double()>> gauge_fns_;
};

Metrics& metrics();

// What a route counts: answers by status class, and latency from the
// request's header to its written answer. Made once per route, so the hot
// path takes no lock.
struct RouteMetrics {
  explicit RouteMetrics(const std::string& route);
  void record(int status, double seconds);
  Histogram* latency;
  std::array<std::atomic<std::uint64_t>*, 5> by_class;  // 1xx .. 5xx
};

}  // namespace mc::server
