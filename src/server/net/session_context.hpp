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
  // Requests read and not yet answered; shutdown waits for them.
  std::atomic<std::int64_t> in_flight{0};
  // Set at shutdown: connections close after their current answer.
  std::atomic<bool> draining{false};
  // Set once no request is in flight: nothing new may start.
  std::atomic<bool> stopping{false};

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
      ctx.workers.get_executor(), [&f]() -> asio::awaitable<std::optional<R>> { co_return f(); }, asio::use_awaitable);
  co_return std::move(*out);
}

// Converts a Beast request header into the plain struct the router uses.
Result<HttpRequest> to_plain_request(const http::request_header<>& h, std::uint64_t request_id);

asio::awaitable<void> run_http_session(tcp::socket socket, std::shared_ptr<SessionContext> ctx);
// Runs one WebSocket route's connection (websocket_session.cpp).
asio::awaitable<void> run_websocket_session(beast::tcp_stream stream, http::request<http::empty_body> req,
                                            HttpRequest plain, const WebSocketHandler& route,
                                            std::shared_ptr<SessionContext> ctx);
// ---- response_writer.cpp ----
// Writes a complete response: a string body, or a file slice with sendfile.
asio::awaitable<void> write_response(beast::tcp_stream& stream, const HttpResponse& res, bool keep_alive,
                                     bool head_only, int idle_seconds);
// Half-closes, drains what the client still sends (bounded), then closes.
asio::awaitable<void> linger_close(beast::tcp_stream& stream);
// Answers an error on a connection whose request body is unread, then ends it.
asio::awaitable<void> refuse_and_close(beast::tcp_stream& stream, const Error& e, int idle_seconds);

// ---- route_runner.cpp ----
// Runs `f`; an exception becomes a 500 answer (and a log line).
HttpResponse guarded(const std::function<HttpResponse()>& f);
// Starts an async route and resumes with its answer, from whatever thread
// gives it.
asio::awaitable<HttpResponse> run_async_route(SessionContext& ctx, const Router::AsyncRoute& route, Router::Start where,
                                              HttpRequest& req);
// Streams an upload's body into the route's sink. `body_unread`: the answer
// came before the whole body did.
asio::awaitable<HttpResponse> receive_upload(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                             http::request_parser<http::empty_body>& header_parser, HttpRequest& req,
                                             const Router::UploadRoute& begin, SessionContext& ctx, bool& body_unread);

}  // namespace mc::net
