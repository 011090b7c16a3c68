// An asynchronous HTTP load generator: `connections` keep-alive connections
// driven by `threads` threads (like pgbench -c 64 -j 2), each posting the same
// request as fast as answers come. A load generator with one OS thread per
// connection would spend the shared cores on its own context switches.
#pragma once

#include <string>
#include <vector>

#include "harness.hpp"

namespace mc::bench {

// Posts `body` to `target` with each connection's token; every answer must
// be `expect_status`. Returns requests per second and latencies.
Measured post_load(int port, const std::vector<std::string>& tokens, const std::string& target, const std::string& body,
                   int connections, int threads, double seconds, int expect_status);
// GETs of `target` (with `token` as a bearer token unless empty); every
// answer must be 200.
Measured get_load(int port, const std::string& token, const std::string& target, int connections, int threads,
                  double seconds);
// As post_load, with connection i posting bodies[i % bodies.size()].
Measured post_load_each(int port, const std::vector<std::string>& tokens, const std::string& target,
                        const std::vector<std::string>& bodies, int connections, int threads, double seconds,
                        int expect_status);

}  // namespace mc::bench
