// A blocking HTTP/1.1 client over one keep-alive connection. The client
// library runs on the caller's thread; blocking calls keep it simple.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "client/transport/url.hpp"
#include "core/error.hpp"

namespace mc::client {

using Headers = std::map<std::string, std::string>;

struct HttpReply {
  int status = 0;
  Headers headers;  // lower-case names
  std::string body;
  const std::string& header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(Url url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const Url& url() const { return url_; }
  // The longest any one step (connect, send, each read) may wait; 60 s
  // unless set.
  void set_timeout(std::chrono::steady_clock::duration t);
  // No step waits past this instant (the whole exchange ends by then).
  void set_deadline(std::chrono::steady_clock::time_point t);

  // Ends the exchange running now, or the next one if none is, with
  // kCancelled "cancelled"; the client refuses every later exchange too
  // (throw it away). Any thread may call this.
  void cancel();

  // Sends one request and reads the whole answer. Errors are transport
  // failures only (Error::network); any HTTP status is a reply.
  Result<HttpReply> request(std::string_view method, const std::string& target, std::string_view body = {},
                            const Headers& headers = {});

  // GET whose body is streamed: `on_head` sees status and headers first and
  // may refuse (its error is returned); then `on_body` gets each chunk. For
  // non-2xx answers the body is collected into the reply instead.
  Result<HttpReply> get_streamed(const std::string& target, const Headers& headers,
                                 const std::function<Status(const HttpReply&)>& on_head,
                                 const std::function<Status(const char*, std::size_t)>& on_body);

  // POST of a file's bytes, streamed from disk; `progress` (if set) hears
  // how many of the file's bytes went out, and of how many.
  Result<HttpReply> post_file(const std::string& target, const std::string& path, const Headers& headers,
                              const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

 private:
  struct Impl;
  Url url_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc::client
