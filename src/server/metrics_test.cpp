#include "server/metrics.hpp"

#include <gtest/gtest.h>

namespace mc::server {
namespace {

TEST(MetricsTest, RendersCountersGaugesAndCumulativeHistogramBuckets) {
  Metrics m;
  m.counter("t_requests_total", "route=\"GET /x\"").fetch_add(3);
  m.gauge("t_open").store(2);
  m.gauge_fn("t_depth", [] { return 7.0; });
  auto& h = m.histogram("t_seconds");
  h.observe(0.0001);  // first bucket
  h.observe(0.02);    // le 0.025
  h.observe(9);       // above every bound
  std::string out = m.render();
  EXPECT_NE(out.find("# TYPE t_requests_total counter\nt_requests_total{route=\"GET /x\"} 3\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("t_open 2\n"), std::string::npos);
  EXPECT_NE(out.find("t_depth 7\n"), std::string::npos);
  EXPECT_NE(out.find("t_seconds_bucket{le=\"0.0005\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("t_seconds_bucket{le=\"0.025\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("t_seconds_bucket{le=\"5\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("t_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("t_seconds_count 3\n"), std::string::npos);
}

TEST(MetricsTest, ARouteCountsAnswersByStatusClass) {
  RouteMetrics r("POST /v1/test-route");
  r.record(201, 0.002);
  r.record(404, 0.001);
  r.record(201, 0.003);
  std::string out = metrics().render();
  EXPECT_NE(out.find("msgcenter_http_requests_total{route=\"POST /v1/test-route\",code=\"2xx\"} 2"), std::string::npos);
  EXPECT_NE(out.find("msgcenter_http_requests_total{route=\"POST /v1/test-route\",code=\"4xx\"} 1"), std::string::npos);
  EXPECT_NE(out.find("msgcenter_http_request_seconds_count{route=\"POST /v1/test-route\"} 3"), std::string::npos);
}

}  // namespace
}  // namespace mc::server
