// One WebSocket /v1/stream connection. A writer coroutine sends the items
// after the client's cursor, then sleeps until the delivery hub says new
// items may exist; a reader coroutine takes the client's frames and notices
// when it leaves. Items are read from the store, never queued per
// connection: a slow or absent client costs no memory, and a notification
// that is lost only delays delivery until the next one.
#include <spdlog/spdlog.h>

#include <boost/beast/websocket.hpp>

#include "server/net/http_error.hpp"
#include "server/net/session_context.hpp"

namespace mc::net {

namespace websocket = beast::websocket;

namespace {

struct StreamConn {
  explicit StreamConn(beast::tcp_stream&& s) : ws(std::move(s)), wake(ws.get_executor()) {}
  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer wake;
  bool pending = false;  // a notification arrived since the last read of the store
  bool closed = false;   // the reader saw the peer leave
};

asio::awaitable<void> read_frames(std::shared_ptr<StreamConn> conn) {
  beast::flat_buffer buf;
  for (;;) {
    auto [ec, n] = co_await conn->ws.async_read(buf, asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    // Client frames carry acks from the reliable-delivery protocol onwards;
    // for now they are read so that pings, pongs and close are handled.
    buf.consume(buf.size());
  }
  conn->closed = true;
  conn->wake.cancel();
}

}  // namespace

asio::awaitable<void> run_stream_session(beast::tcp_stream stream, http::request<http::empty_body> req,
                                         HttpRequest plain, std::shared_ptr<SessionContext> ctx) {
  auto opened = co_await on_workers(*ctx, [&] { return ctx->streams.open(plain); });
  if (!opened) {
    co_await write_response(stream, error_response(opened.error()), false, false, ctx->opts.idle_timeout_seconds);
    co_return;
  }
  auto conn = std::make_shared<StreamConn>(std::move(stream));
  auto& ws = conn->ws;
  websocket::stream_base::timeout to{};
  to.handshake_timeout = std::chrono::seconds(30);
  // A peer that answers no ping within the idle timeout is dead: drop it.
  to.idle_timeout = std::chrono::seconds(ctx->opts.idle_timeout_seconds);
  to.keep_alive_pings = true;
  ws.set_option(to);
  ws.read_message_max(64 * 1024);
  ws.text(true);
  auto [aec] = co_await ws.async_accept(req, asio::as_tuple(asio::use_awaitable));
  if (aec) co_return;

  std::int64_t cursor = opened->after;
  auto ex = ws.get_executor();
  std::weak_ptr<StreamConn> weak = conn;
  auto subscription = ctx->streams.subscribe(opened->user_id, [weak, ex] {
    asio::post(ex, [weak] {
      if (auto c = weak.lock()) {
        c->pending = true;
        c->wake.cancel();
      }
    });
  });
  asio::co_spawn(ex, read_frames(conn), asio::detached);

  auto [hec, hn] = co_await ws.async_write(asio::buffer(ctx->streams.hello_frame(*opened)),
                                           asio::as_tuple(asio::use_awaitable));
  if (hec) co_return;

  while (!conn->closed) {
    conn->pending = false;
    auto batch = co_await on_workers(*ctx, [&] { return ctx->streams.frames_after(opened->user_id, cursor); });
    if (!batch) {
      spdlog::error("event=stream_read_failed user={} error=\"{}\"", opened->network_id, batch.error().message);
      break;
    }
    bool failed = false;
    for (const auto& f : batch->frames) {
      auto [wec, wn] = co_await ws.async_write(asio::buffer(f), asio::as_tuple(asio::use_awaitable));
      if (wec) {
        failed = true;
        break;
      }
    }
    if (failed) break;
    cursor = batch->cursor;
    if (batch->more || conn->pending) continue;
    // The reader may have seen the peer leave while we were busy; its
    // cancel() then found no wait to cancel.
    if (conn->closed) break;
    conn->wake.expires_at(asio::steady_timer::time_point::max());
    co_await conn->wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  boost::system::error_code ignore;
  beast::get_lowest_layer(ws).socket().close(ignore);
}

}  // namespace mc::net
