// Running routes off the I/O threads: plain handlers on the worker pool,
// async routes (inline first, or on the pool) answered from any thread, and
// streamed uploads written chunk by chunk on the pool.
#include <spdlog/spdlog.h>

#include "core/may_block.hpp"
#include "server/net/http_error.hpp"
#include "server/net/session_context.hpp"

namespace mc::net {

namespace {

constexpr std::size_t kUploadChunk = 256 * 1024;
// Larger bodies are parsed on a worker even for inline-first routes: the
// parse alone would hold up every other connection of the I/O thread.
constexpr std::size_t kInlineBodyLimit = 16 * 1024;

}  // namespace

HttpResponse guarded(const std::function<HttpResponse()>& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    spdlog::error("event=handler_exception error=\"{}\"", e.what());
    return error_response(Error::internal("internal error"));
  }
}

// Reads a streamed body into the route's sink, chunk by chunk. Disk writes
// run on the worker pool: an I/O thread never waits for the disk.
asio::awaitable<HttpResponse> receive_upload(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                             http::request_parser<http::empty_body>& header_parser, HttpRequest& req,
                                             const Router::UploadRoute& begin, SessionContext& ctx, bool& body_unread) {
  const int idle = ctx.opts.idle_timeout_seconds;
  auto sink = co_await on_workers(ctx, [&] { return begin(req); });
  if (!sink) {
    body_unread = true;
    co_return error_response(sink.error());
  }
  if (beast::iequals(header_parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> cont{http::status::continue_, 11};
    stream.expires_after(std::chrono::seconds(idle));
    co_await http::async_write(stream, cont, asio::use_awaitable);
  }
  http::request_parser<http::buffer_body> parser(std::move(header_parser));
  parser.body_limit(ctx.opts.upload_limit);
  std::vector<char> chunk(kUploadChunk);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream.expires_after(std::chrono::seconds(idle));
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit) {
      body_unread = true;
      co_return error_response(Error::too_large("body_too_large", "the upload is larger than the server accepts (" +
                                                                      std::to_string(ctx.opts.upload_limit) +
                                                                      " bytes)"));
    }
    if (ec) throw boost::system::system_error(ec);  // client vanished: the sink's destructor discards the partial file
    std::size_t got = chunk.size() - parser.get().body().size;
    if (got > 0) {
      auto st = co_await on_workers(ctx, [&] { return (*sink)->write(chunk.data(), got); });
      if (!st) {
        body_unread = true;
        co_return error_response(st.error());
      }
    }
  }
  co_return co_await on_workers(ctx, [&] { return guarded([&] { return (*sink)->finish(); }); });
}

// Starts an async route and resumes with its answer, which may come from
// any thread: the answer is posted back to this connection's executor. No
// thread waits in between. The route starts on the worker pool, or first
// here on the I/O thread with blocking refused (Router::Start).
asio::awaitable<HttpResponse> run_async_route(SessionContext& ctx, const Router::AsyncRoute& route, Router::Start where,
                                              HttpRequest& req) {
  auto ex = co_await asio::this_coro::executor;
  // A named variable, not a temporary in the co_await expression: GCC 12
  // destroyed that temporary twice (ASan caught it), so the strand the
  // lambda holds lost one reference per request until it was freed in use.
  auto start = [&ctx, &route, where, &req, ex](auto handler) {
    // The completion handler is move-only; the Responder is copyable.
    auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
    Responder reply([waiting, ex](Responder::Render render) {
      asio::post(ex, [waiting, render = std::move(render)]() mutable {
        auto handler = std::move(*waiting);
        std::move(handler)(guarded(render));
      });
    });
    auto run = [&route, &req, reply] {
      try {
        route(req, reply);
      } catch (const std::exception& e) {
        spdlog::error("event=handler_exception error=\"{}\"", e.what());
        reply(error_response(Error::internal("internal error")));  // ignored if it had answered
      }
    };
    if (where == Router::Start::kInlineFirst && req.body.size() <= kInlineBodyLimit) {
      try {
        NoBlockingScope no_blocking;
        route(req, reply);
        return;
      } catch (const WouldBlock&) {
        // It needs the disk after all: start it over where it may wait.
      } catch (const std::exception& e) {
        spdlog::error("event=handler_exception error=\"{}\"", e.what());
        reply(error_response(Error::internal("internal error")));
        return;
      }
    }
    asio::post(ctx.workers, run);
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(HttpResponse)>(start,
                                                                                             asio::use_awaitable);
}

}  // namespace mc::net
