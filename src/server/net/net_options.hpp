// The network section of the server's configuration: where to listen, how
// many threads, and the limits of every connection. The one definition of
// these settings and their defaults (server/config.cpp reads them into it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mc::net {

struct NetOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  int io_threads = 2;
  int worker_threads = 64;                  // handlers block while their write waits for a group commit
  std::uint64_t json_body_limit = 1 << 20;  // bytes
  std::uint64_t upload_limit = 4ull << 30;  // bytes
  int idle_timeout_seconds = 60;
  int stream_write_timeout_seconds = 30;  // a WebSocket whose client reads nothing this long is closed
  int stream_session_check_seconds = 30;  // how often a WebSocket re-checks that its login is still valid
  std::size_t stream_outbox_limit = 256;  // replies waiting for a client that does not read
};

}  // namespace mc::net
