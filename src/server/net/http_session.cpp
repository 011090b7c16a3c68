// One HTTP/1.1 connection: read a request header, dispatch by route kind
// (plain or async with a JSON body, streamed upload, WebSocket upgrade),
// write the answer, loop. Running the routes is route_runner.cpp; writing
// answers is response_writer.cpp.
#include <spdlog/spdlog.h>

#include <boost/beast/websocket.hpp>
#include <optional>

#include "server/net/http_error.hpp"
#include "server/net/session_context.hpp"

namespace mc::net {

Result<HttpRequest> to_plain_request(const http::request_header<>& h, std::uint64_t request_id) {
  HttpRequest req;
  req.method = std::string(h.method_string());
  MC_TRY(auto target, parse_target(h.target()));
  req.path = std::move(target.first);
  req.query = std::move(target.second);
  for (const auto& f : h) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(f.value());
  }
  req.request_id = std::to_string(request_id);
  return req;
}

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;

bool is_quiet_disconnect(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted;
}

// What to do with a connection after an answer.
enum class Next { kLoop, kClose };

// Reads a JSON (or empty) body within json_body_limit, runs the matched
// route, and returns its answer. `body_unread` says the client may still be
// sending: the answer must end the connection.
asio::awaitable<std::optional<HttpResponse>> serve_route(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                         http::request_parser<http::empty_body>& header_parser,
                                                         HttpRequest& req, const Router::Match& match,
                                                         SessionContext& ctx, bool& body_unread) {
  const int idle = ctx.opts.idle_timeout_seconds;
  auto too_large = [&] {
    body_unread = true;
    return error_response(Error::too_large("body_too_large", "the body is larger than " +
                                                                 std::to_string(ctx.opts.json_body_limit) + " bytes"));
  };
  auto declared = header_parser.content_length();
  if (declared && *declared > ctx.opts.json_body_limit) co_return too_large();
  http::request_parser<http::string_body> body_parser(std::move(header_parser));
  body_parser.body_limit(ctx.opts.json_body_limit);  // still applies to chunked bodies
  stream.expires_after(std::chrono::seconds(idle));
  auto [ec, n] = co_await http::async_read(stream, buffer, body_parser, asio::as_tuple(asio::use_awaitable));
  if (ec == http::error::body_limit) co_return too_large();
  if (ec) {
    if (!is_quiet_disconnect(ec)) {
      co_await refuse_and_close(stream, Error::invalid_argument("bad_request", "malformed request body"), idle);
    }
    co_return std::nullopt;
  }
  req.body = std::move(body_parser.get().body());
  switch (match.kind) {
    case Router::Match::kHandler:
      co_return co_await on_workers(ctx, [&] { return guarded([&] { return (*match.handler)(req); }); });
    case Router::Match::kAsync:
      co_return co_await run_async_route(ctx, *match.async, match.start, req);
    case Router::Match::kMethodNotAllowed:
      co_return error_response(
          Error::unimplemented("method_not_allowed", req.method + " is not allowed on " + req.path));
    default:
      co_return error_response(Error::not_found("not_found", "no route for " + req.method + " " + req.path));
  }
}

// Refuses a request whose header could not be read; quiet for a client
// that simply left.
asio::awaitable<void> refuse_bad_header(beast::tcp_stream& stream, const boost::system::error_code& ec, int idle) {
  if (ec == http::error::body_limit) {
    co_await refuse_and_close(stream, Error::too_large("body_too_large", "the body is too large"), idle);
  } else if (ec == http::error::header_limit) {
    co_await refuse_and_close(stream, Error::too_large("headers_too_large", "the request headers are too large"), idle);
  } else if (!is_quiet_disconnect(ec)) {
    co_await refuse_and_close(stream, Error::invalid_argument("bad_request", "malformed HTTP request"), idle);
  }
}

// Writes the answer, then keeps the connection, half-closes it, or drains
// and closes it (body_unread).
asio::awaitable<Next> answer(beast::tcp_stream& stream, HttpResponse& res, const HttpRequest& req, bool keep_alive,
                             bool head_only, bool body_unread, int idle) {
  res.headers.emplace_back("X-Request-Id", req.request_id);
  spdlog::debug("event=request id={} method={} path={} status={}", req.request_id, req.method, req.path, res.status);
  if (body_unread) keep_alive = false;
  co_await write_response(stream, res, keep_alive, head_only, idle);
  if (body_unread) {
    co_await linger_close(stream);
    co_return Next::kClose;
  }
  if (!keep_alive) {
    boost::system::error_code ignore;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignore);
    co_return Next::kClose;
  }
  co_return Next::kLoop;
}

}  // namespace

asio::awaitable<void> run_http_session(tcp::socket socket, std::shared_ptr<SessionContext> ctx) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  const int idle = ctx->opts.idle_timeout_seconds;
  // Who is at the other end, for limits kept per address.
  std::string peer;
  {
    boost::system::error_code peer_ec;
    auto ep = stream.socket().remote_endpoint(peer_ec);
    if (!peer_ec) peer = ep.address().to_string();
  }
  for (;;) {
    http::request_parser<http::empty_body> header_parser;
    header_parser.header_limit(kHeaderLimit);
    // The real limit depends on the route; it is checked when the body is read.
    header_parser.body_limit(ctx->opts.upload_limit);
    stream.expires_after(std::chrono::seconds(idle));
    auto [ec, n] = co_await http::async_read_header(stream, buffer, header_parser, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return co_await refuse_bad_header(stream, ec, idle);
    // From here until its answer is written, shutdown waits for this request.
    // Counted, then checked: the drain stops only after setting `stopping`
    // and seeing the count at zero again, so a request either is counted
    // before that or sees `stopping` and is dropped unanswered (and
    // uncommitted: it never ran).
    ctx->in_flight.fetch_add(1);
    if (ctx->stopping.load()) {
      ctx->in_flight.fetch_sub(1);
      co_return;
    }
    const auto started = std::chrono::steady_clock::now();
    struct InFlight {
      SessionContext& ctx;
      bool done = false;
      void release() {
        if (!done) ctx.in_flight.fetch_sub(1);
        done = true;
      }
      ~InFlight() { release(); }
    } in_flight{*ctx};
    const auto& head = header_parser.get();
    auto plain = to_plain_request(head, ctx->next_request_id++);
    if (!plain) co_return co_await refuse_and_close(stream, plain.error(), idle);
    HttpRequest& req = *plain;
    req.remote_address = peer;

    if (beast::websocket::is_upgrade(head)) {
      auto ws = ctx->router.match(req.method, req.path, true);
      if (ws.kind != Router::Match::kWebSocket) {
        co_return co_await refuse_and_close(stream, Error::not_found("not_found", "no WebSocket at " + req.path), idle);
      }
      req.path_params = std::move(ws.params);
      stream.expires_never();
      in_flight.release();  // a stream is no request: shutdown does not wait for it
      co_return co_await run_websocket_session(std::move(stream), header_parser.release(), std::move(req),
                                               *ws.websocket, ctx);
    }

    bool keep_alive = head.keep_alive() && !ctx->draining;
    bool head_only = head.method() == http::verb::head;
    auto match = ctx->router.match(req.method, req.path);
    req.path_params = std::move(match.params);
    bool body_unread = false;
    std::optional<HttpResponse> res;
    if (match.kind == Router::Match::kUpload) {
      res = co_await receive_upload(stream, buffer, header_parser, req, *match.upload, *ctx, body_unread);
    } else {
      res = co_await serve_route(stream, buffer, header_parser, req, match, *ctx, body_unread);
    }
    if (!res) co_return;  // the connection is gone
    // Shutdown may have begun while the route ran: end the connection then.
    Next next = co_await answer(stream, *res, req, keep_alive && !ctx->draining, head_only, body_unread, idle);
    static RouteMetrics unmatched("unmatched");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    (match.metrics ? *match.metrics : unmatched).record(res->status, seconds);
    if (next == Next::kClose) co_return;
  }
}

}  // namespace mc::net
