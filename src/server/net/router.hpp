// Maps (method, path pattern) to a route. Patterns are literal segments and
// {name} placeholders: "/v1/resources/{id}/content". Each server area
// registers its own routes; the router knows none of them by name.
//
// Every route declares who may call it (Access). The router authenticates
// before the route runs and hands the caller in req.caller, so no route
// checks a token by hand; a route's errors are values, turned into the
// protocol's error answer here (net/http_error.hpp).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/caller.hpp"
#include "server/metrics.hpp"
#include "server/net/http_types.hpp"
#include "server/net/websocket.hpp"

namespace mc::net {

using server::RouteMetrics;

enum class Access {
  kPublic,    // anyone, no token needed (health, register, log in)
  kUser,      // any logged-in user
  kProvider,  // a logged-in provider account; others get 403 "forbidden"
};

// Turns a request's credentials into its caller. Errors: kUnauthenticated.
using Authenticate = std::function<Result<Caller>(const HttpRequest&)>;

using Handler = std::function<Result<HttpResponse>(HttpRequest&)>;
// Starts the work and answers through the Responder, now or later. The
// request lives until the answer is sent, but a callback that outlives the
// handler's return should copy what it needs from it. An error returned
// (rather than answered) is answered by the router.
using AsyncHandler = std::function<Status(HttpRequest&, Responder)>;
// Checks the request's headers (the declared size) and returns where the
// body goes, or the error to answer before any of the body is read.
using UploadHandler = std::function<Result<std::unique_ptr<UploadSink>>(HttpRequest&)>;

class Router {
 public:
  Router() = default;
  explicit Router(Authenticate authenticate) : authenticate_(std::move(authenticate)) {}
  // Routes refer to their router: it stays where it was made.
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  void add(std::string method, std::string pattern, Access access, Handler h);
  // Where an async handler starts. kInlineFirst: on the I/O thread inside a
  // NoBlockingScope (core/may_block.hpp), for routes that usually need no
  // disk; if the handler (or the authentication before it) hits WouldBlock
  // it is started again, from the beginning, on a worker. Such a handler
  // must not change anything or answer before its last read. Requests with
  // a body over 16 KiB start on a worker regardless.
  enum class Start { kOnWorkers, kInlineFirst };
  void add_async(std::string method, std::string pattern, Access access, AsyncHandler h,
                 Start start = Start::kOnWorkers);
  void add_upload(std::string method, std::string pattern, Access access, UploadHandler h);
  void add_websocket(std::string pattern, Access access, WebSocketHandler h);

  // What the session runs: the route with its access check and error
  // answer folded in.
  using PlainRoute = std::function<HttpResponse(HttpRequest&)>;
  using AsyncRoute = std::function<void(HttpRequest&, Responder)>;
  using UploadRoute = std::function<Result<std::unique_ptr<UploadSink>>(HttpRequest&)>;
  using WebSocketRoute = WebSocketHandler;

  struct Match {
    enum Kind { kNotFound, kMethodNotAllowed, kHandler, kAsync, kUpload, kWebSocket } kind = kNotFound;
    const PlainRoute* handler = nullptr;
    const AsyncRoute* async = nullptr;
    Start start = Start::kOnWorkers;
    const UploadRoute* upload = nullptr;
    const WebSocketRoute* websocket = nullptr;
    RouteMetrics* metrics = nullptr;  // null when nothing matched
    std::map<std::string, std::string> params;
  };
  // `websocket`: the request asks for a WebSocket upgrade; only WebSocket
  // routes match it, and they match nothing else.
  Match match(const std::string& method, const std::string& path, bool websocket = false) const;

  // Checks `access` for `req` and fills req.caller. Errors: kUnauthenticated,
  // kPermissionDenied "forbidden".
  Status admit(Access access, HttpRequest& req) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    PlainRoute handler;
    AsyncRoute async;
    UploadRoute upload;
    WebSocketRoute websocket;
    Start start = Start::kOnWorkers;
    std::shared_ptr<RouteMetrics> metrics;  // "METHOD /pattern"
  };
  Authenticate authenticate_;
  std::vector<Route> routes_;
};

}  // namespace mc::net
