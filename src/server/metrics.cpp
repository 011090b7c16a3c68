#include "server/metrics.hpp"

#include <cstdio>

namespace mc::server {

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::array<std::uint64_t, Histogram::kBounds.size() + 1> Histogram::counts() const {
  std::array<std::uint64_t, kBounds.size() + 1> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::sum() const { return static_cast<double>(sum_micros_.load()) / 1e6; }

std::atomic<std::uint64_t>& Metrics::counter(const std::string& name, const std::string& labels) {
  std::lock_guard lk(mu_);
  auto& slot = counters_[{name, labels}];
  if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
  return *slot;
}

std::atomic<std::int64_t>& Metrics::gauge(const std::string& name, const std::string& labels) {
  std::lock_guard lk(mu_);
  auto& slot = gauges_[{name, labels}];
  if (!slot) slot = std::make_unique<std::atomic<std::int64_t>>(0);
  return *slot;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& labels) {
  std::lock_guard lk(mu_);
  auto& slot = histograms_[{name, labels}];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

void Metrics::gauge_fn(const std::string& name, std::function<double()> read) {
  std::lock_guard lk(mu_);
  gauge_fns_[name] = std::move(read);
}

namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string braces(const std::string& labels, const std::string& extra = "") {
  std::string all = labels;
  if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
  return all.empty() ? "" : "{" + all + "}";
}

}  // namespace

void Metrics::remove_gauge_fn(const std::string& name) {
  std::lock_guard lk(mu_);
  gauge_fns_.erase(name);
}

std::string Metrics::render() const {
  std::lock_guard lk(mu_);
  std::string out;
  std::string last;
  auto type = [&](const std::string& name, const char* kind) {
    if (name == last) return;
    out += "# TYPE " + name + " " + kind + "\n";
    last = name;
  };
  for (const auto& [key, v] : counters_) {
    type(key.first, "counter");
    out += key.first + braces(key.second) + " " + std::to_string(v->load()) + "\n";
  }
  for (const auto& [key, v] : gauges_) {
    type(key.first, "gauge");
    out += key.first + braces(key.second) + " " + std::to_string(v->load()) + "\n";
  }
  for (const auto& [name, read] : gauge_fns_) {
    type(name, "gauge");
    out += name + " " + number(read()) + "\n";
  }
  for (const auto& [key, h] : histograms_) {
    type(key.first, "histogram");
    auto counts = h->counts();
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
      cumulative += counts[i];
      out += key.first + "_bucket" + braces(key.second, "le=\"" + number(Histogram::kBounds[i]) + "\"") + " " +
             std::to_string(cumulative) + "\n";
    }
    cumulative += counts.back();
    out += key.first + "_bucket" + braces(key.second, "le=\"+Inf\"") + " " + std::to_string(cumulative) + "\n";
    out += key.first + "_sum" + braces(key.second) + " " + number(h->sum()) + "\n";
    out += key.first + "_count" + braces(key.second) + " " + std::to_string(cumulative) + "\n";
  }
  return out;
}

RouteMetrics::RouteMetrics(const std::string& route) {
  std::string label = "route=\"" + route + "\"";
  latency = &metrics().histogram("msgcenter_http_request_seconds", label);
  for (int c = 1; c <= 5; ++c) {
    by_class[static_cast<std::size_t>(c - 1)] =
        &metrics().counter("msgcenter_http_requests_total", label + ",code=\"" + std::to_string(c) + "xx\"");
  }
}

void RouteMetrics::record(int status, double seconds) {
  int c = status / 100;
  if (c >= 1 && c <= 5) by_class[static_cast<std::size_t>(c - 1)]->fetch_add(1, std::memory_order_relaxed);
  latency->observe(seconds);
}

Metrics& metrics() {
  static Metrics m;
  return m;
}

}  // namespace mc::server
