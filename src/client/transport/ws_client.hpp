// A WebSocket client for /v1/stream. read() waits at most a given time and
// leaves an unfinished read pending for the next call, so that a caller can
// poll without ever cancelling (which would close the socket).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "client/transport/url.hpp"
#include "core/error.hpp"

namespace mc::client {

class WsClient {
 public:
  // Connects and completes the handshake. A refused upgrade (no login, no such route)
  // is returned as the server's error.
  static Result<std::unique_ptr<WsClient>> connect(const Url& url, const std::string& target,
                                                   const std::string& bearer_token);
  ~WsClient();

  // A text frame, std::nullopt when none arrived within `timeout`, or an
  // error once the connection is gone.
  Result<std::optional<std::string>> read(std::chrono::milliseconds timeout);
  Status send(const std::string& text);
  void close();

 private:
  struct Impl;
  explicit WsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc::client
