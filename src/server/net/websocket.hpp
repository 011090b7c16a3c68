// A generic WebSocket route. net/ runs the socket (handshake, pings,
// write deadlines, one writer at a time); the area that registers the route
// says what flows over it. No Beast here.
//
// The session is pulled, never pushed into: net calls pull() when the
// connection opens, whenever the session's peer is woken, and again at once
// while pull() says more is waiting. So a connection holds no queue of
// outgoing items; the session decides what to send from its own state.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "server/net/http_types.hpp"

namespace mc::net {

// net's side of one connection, handed to the session when it opens.
class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Asks net to call pull() soon. Any thread; cheap; repeated calls merge.
  virtual void wake() = 0;
};

class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;

  struct Pull {
    std::vector<std::string> frames;  // text frames to send now, in order
    bool more = false;                // call pull() again right after sending these
    bool needs_blocking = false;      // nothing done: call again where blocking is allowed
  };
  // What to send now. net calls it first on the connection's I/O thread with
  // may_block = false; a session that would have to wait for the disk
  // returns needs_blocking (having changed nothing) and is called again on
  // a worker with may_block = true. Calls never overlap.
  virtual Result<Pull> pull(bool may_block) = 0;
  // A text frame from the client; returns the frame to answer with, if any.
  // Runs on a worker (it may block).
  virtual std::optional<std::string> on_frame(const std::string& text) = 0;
  // Every stream_session_check_seconds, on a worker: may the connection go
  // on? An error closes it.
  virtual Status still_allowed() = 0;
};

// Opens a session for an upgrade request whose caller the router has
// already authenticated (req.caller). Runs on a worker. An error is answered
// as HTTP before the upgrade.
using WebSocketHandler =
    std::function<Result<std::unique_ptr<WebSocketSession>>(HttpRequest& req, std::shared_ptr<WebSocketPeer> peer)>;

}  // namespace mc::net
