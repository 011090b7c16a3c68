// Internal to net/: what every connection coroutine shares, and the entry
// points of the HTTP and WebSocket sessions. Includes Asio/Beast; never
// include it outside src/server/net/.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <optional>

#include "server/net/http_server.hpp"

namespace mc::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct SessionContext {
  NetOptions opts;
  Router& router;
  asio::thread_pool workers;
  std::atomic<std::uint64_t> next_request_id{1};

  SessionContext(NetOptions o, Router& r)
      : opts(std::move(o)), router(r), workers(static_cast<std::size_t>(opts.worker_threads)) {}
};

// Runs `f` on the worker pool and resumes the caller on its own executor.
// Route handlers block (SQLite, fsync, Argon2id): they must never run on an
// I/O thread.
template <class F>
asio::awaitable<std::invoke_result_t<F>> on_workers(SessionContext& ctx, F f) {
  using R = std::invoke_result_t<F>;
  // co_spawn needs a default-constructible result; Result<T> is not.
  auto out = co_await asio::co_spawn(
      ctx.workers.get_executor(), [&f]() -> asio::awaitable<std::optional<R>> { co_return f(); },
      asio::use_awaitable);
  co_return std::move(*out);
}

// Converts a Beast request header into the plain struct the router uses.
Result<HttpRequest> to_plain_request(const http::request_header<>& h, std::uint64_t request_id);

asio::awaitable<void> run_http_session(tcp::socket socket, std::shared_ptr<SessionContext> ctx);
// Runs one WebSocket route's connection (websocket_session.cpp).
asio::awaitable<void> run_websocket_session(beast::tcp_stream stream, http::request<http::empty_body> req,
                                            HttpRequest plain, const WebSocketHandler& route,
                                            std::shared_ptr<SessionContext> ctx);
// Writes a complete response with a string body.
asio::awaitable<void> write_response(beast::tcp_stream& stream, const HttpResponse& res, bool keep_alive,
                                     bool head_only, int idle_seconds);

}  // namespace mc::net
