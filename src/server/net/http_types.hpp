// Plain request/response structs that route handlers see. No Beast here:
// handlers compile fast and are tested without sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/caller.hpp"
#include "core/error.hpp"

namespace mc::net {

struct HttpRequest {
  std::string method;                              // "GET", "POST", ...
  std::string path;                                // decoded path, without the query
  std::map<std::string, std::string> query;        // decoded query parameters
  std::map<std::string, std::string> path_params;  // filled by the router: {id} -> value
  std::map<std::string, std::string> headers;      // lower-case names
  std::string body;
  std::string request_id;
  std::string remote_address;  // the client's IP address, as the socket sees it
  // Who is asking: set by the router before a route that needs a login runs.
  std::optional<Caller> caller;

  // The header's value, or "" when absent. `name` is lower-case.
  const std::string& header(const std::string& name) const;
  const std::string* query_param(const std::string& name) const;
  // The caller of a route declared kUser or kProvider (never empty there).
  const Caller& user() const { return *caller; }
};

// A byte range of a file on disk, sent with sendfile.
struct FileSlice {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<FileSlice> file;  // when set, the body is this slice, not `body`
};

// Sends a route's answer later, from any thread: routes whose work finishes
// on another thread (a write waiting for its group commit) answer through
// it instead of returning. Copies share one answer: the first call sends it
// and later calls are ignored. If every copy is dropped unanswered, the
// client gets a 500 rather than waiting forever.
class Responder {
 public:
  using Render = std::function<HttpResponse()>;
  // `send` runs a Render on the connection's own thread and sends its result.
  explicit Responder(std::function<void(Render)> send);
  void operator()(HttpResponse res) const;
  // Answers with what `render` returns, computed on the connection's thread
  // rather than the caller's: for a caller whose thread others wait on (the
  // store's writer). `render` must not block.
  void later(Render render) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Receives a streamed request body (uploads) chunk by chunk.
class UploadSink {
 public:
  virtual ~UploadSink() = default;
  virtual Status write(const char* data, std::size_t size) = 0;
  // Called once the whole body has arrived; may do blocking I/O (fsync).
  virtual HttpResponse finish() = 0;
};

// An optional integer query parameter in [min, max]; `dflt` when absent.
// Errors: 400 "invalid_parameter".
Result<std::int64_t> query_int(const HttpRequest& req, const std::string& name, std::int64_t dflt, std::int64_t min,
                               std::int64_t max);

// Splits "/a/b?x=1&y=%20" into a decoded path and query map. Errors: 400
// "bad_target" on malformed percent-escapes.
Result<std::pair<std::string, std::map<std::string, std::string>>> parse_target(std::string_view target);

}  // namespace mc::net
