// The network front: accepts connections, speaks HTTP/1.1 and WebSocket,
// runs route handlers on a worker pool so that blocking storage work never
// stalls the I/O threads. No Boost in this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "server/net/router.hpp"
#include "server/net/stream_service.hpp"

namespace mc::net {

struct NetOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int io_threads = 2;
  int worker_threads = 8;
  std::uint64_t json_body_limit = 1 << 20;  // bytes
  std::uint64_t upload_limit = 4ull << 30;  // bytes
  int idle_timeout_seconds = 60;
  int stream_write_timeout_seconds = 30;  // a stream whose client reads nothing this long is closed
  int stream_session_check_seconds = 30;  // how often a stream re-checks that its login is still valid
  std::size_t stream_outbox_limit = 256;  // replies waiting for a client that does not read
};

class HttpServer {
 public:
  HttpServer(NetOptions opts, Router& router, StreamService& streams);
  ~HttpServer();

  // Binds and listens; returns the bound port (useful with port 0).
  Result<std::uint16_t> listen();
  // Serves until SIGINT/SIGTERM; returns (or throws) after every thread,
  // workers included, joined.
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc::net
