// Maps (method, path pattern) to a handler. Patterns are literal segments and
// {name} placeholders: "/v1/resources/{id}/content". Each server area
// registers its own routes; the router knows none of them by name.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/net/http_types.hpp"

namespace mc::net {

using Handler = std::function<HttpResponse(HttpRequest&)>;
// Starts the work and answers through the Responder, now or later. The
// request lives until the answer is sent, but a callback that outlives the
// handler's return should copy what it needs from it.
using AsyncHandler = std::function<void(HttpRequest&, Responder)>;
// Checks the request's headers (auth, declared size) and returns where the
// body goes, or the error to answer before any of the body is read.
using UploadHandler = std::function<Result<std::unique_ptr<UploadSink>>(HttpRequest&)>;

class Router {
 public:
  void add(std::string method, std::string pattern, Handler h);
  // Where an async handler starts. kInlineFirst: on the I/O thread inside a
  // NoBlockingScope (core/may_block.hpp), for routes that usually need no
  // disk; if the handler hits WouldBlock it is started again, from the
  // beginning, on a worker. Such a handler must not change anything or
  // answer before its last read. Requests with a body over 16 KiB start on a
  // worker regardless.
  enum class Start { kOnWorkers, kInlineFirst };
  void add_async(std::string method, std::string pattern, AsyncHandler h, Start start = Start::kOnWorkers);
  void add_upload(std::string method, std::string pattern, UploadHandler h);

  struct Match {
    enum Kind { kNotFound, kMethodNotAllowed, kHandler, kAsync, kUpload } kind = kNotFound;
    const Handler* handler = nullptr;
    const AsyncHandler* async = nullptr;
    Start start = Start::kOnWorkers;
    const UploadHandler* upload = nullptr;
    std::map<std::string, std::string> params;
  };
  Match match(const std::string& method, const std::string& path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    AsyncHandler async;
    UploadHandler upload;
    Start start = Start::kOnWorkers;
  };
  std::vector<Route> routes_;
};

}  // namespace mc::net
