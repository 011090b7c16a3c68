// The network front: accepts connections, speaks HTTP/1.1 and WebSocket,
// runs route handlers on a worker pool so that blocking storage work never
// stalls the I/O threads. No Boost in this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "server/net/net_options.hpp"
#include "server/net/router.hpp"

namespace mc::net {

struct HostPort {
  std::string host;  // without the brackets of an IPv6 address
  std::uint16_t port = 0;
};
// "HOST:PORT" or "[V6]:PORT". Errors: kInvalidArgument "bad_listen".
Result<HostPort> parse_listen(const std::string& s);

class HttpServer {
 public:
  HttpServer(NetOptions opts, Router& router);
  ~HttpServer();

  // Binds and listens on opts.listen; returns the bound port (useful with
  // port 0).
  Result<std::uint16_t> listen();
  // Serves until SIGINT/SIGTERM; returns (or throws) after every thread,
  // workers included, joined.
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc::net
