// One WebSocket /v1/stream connection.
//
// A writer coroutine sends the items after the client's cursor, then sleeps
// until the delivery hub says new items may exist. A reader coroutine takes
// the client's frames (acks), has them handled on the worker pool, and puts
// the answers in a small outbox that only the writer drains (a WebSocket has
// one writer at a time).
//
// Items are never queued per connection. A notification may carry a hint
// (the new item's seq and id, and a pointer to the part of the frame that
// all recipients share); when it is the next item after the cursor, the
// frame is rendered from it at once. Otherwise (a gap, more than 64 hints,
// no hint) the stream reads from the store. A slow or absent client costs
// one batch of memory at most, and a lost notification only delays delivery
// until the next one. A client that stops
// reading makes a write wait; past stream_write_timeout_seconds the stream
// is closed and the client resumes from its cursor when it reconnects. So
// does a client whose outbox overflows because it sends without reading.
#include <spdlog/spdlog.h>

#include <boost/beast/websocket.hpp>
#include <deque>

#include "server/net/http_error.hpp"
#include "server/net/session_context.hpp"

namespace mc::net {

namespace websocket = beast::websocket;

namespace {

constexpr std::size_t kMaxHints = 64;

struct StreamConn {
  explicit StreamConn(beast::tcp_stream&& s)
      : ws(std::move(s)), wake(ws.get_executor()), write_deadline(ws.get_executor()) {}
  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer wake;
  asio::steady_timer write_deadline;
  std::deque<std::string> outbox;  // answers to client frames
  std::deque<ItemHint> hints;      // announced new items, sent without a store read when in order
  bool items_pending = false;      // new items may exist that no hint describes
  bool closed = false;             // the peer left, or we gave up on it
  std::uint64_t write_gen = 0;     // which write the armed deadline belongs to

  void close_socket() {
    closed = true;
    boost::system::error_code ignore;
    beast::get_lowest_layer(ws).socket().close(ignore);
    wake.cancel();
  }
};

// Writes one frame; a write that has not finished after `timeout` closes
// the connection, which fails the write.
asio::awaitable<bool> write_frame(const std::shared_ptr<StreamConn>& conn, const std::string& frame,
                                  std::chrono::seconds timeout) {
  std::weak_ptr<StreamConn> weak = conn;
  std::uint64_t gen = ++conn->write_gen;
  conn->write_deadline.expires_after(timeout);
  conn->write_deadline.async_wait([weak, gen](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the write finished in time
    auto c = weak.lock();
    // A deadline that fired just as its write finished is queued already and
    // cannot be cancelled; the generation tells it apart.
    if (!c || c->write_gen != gen) return;
    spdlog::info("event=stream_write_timeout action=close");
    c->close_socket();
  });
  auto [ec, n] = co_await conn->ws.async_write(asio::buffer(frame), asio::as_tuple(asio::use_awaitable));
  ++conn->write_gen;
  conn->write_deadline.cancel();
  co_return !ec && !conn->closed;
}

asio::awaitable<void> read_frames(std::shared_ptr<StreamConn> conn, std::shared_ptr<SessionContext> ctx,
                                  StreamOpen open) {
  beast::flat_buffer buf;
  for (;;) {
    auto [ec, n] = co_await conn->ws.async_read(buf, asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    std::string text = beast::buffers_to_string(buf.data());
    buf.consume(buf.size());
    auto reply = co_await on_workers(*ctx, [&] { return ctx->streams.on_client_frame(open, text); });
    if (!reply) continue;
    if (conn->outbox.size() >= ctx->opts.stream_outbox_limit) {
      spdlog::info("event=stream_outbox_full user={} action=close", open.network_id);
      break;
    }
    conn->outbox.push_back(std::move(*reply));
    conn->wake.cancel();
  }
  conn->close_socket();
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
  // However the writer ends (an exception included), the connection closes:
  // the reader must not keep a stream alive that no longer sends.
  struct CloseOnExit {
    std::shared_ptr<StreamConn> c;
    ~CloseOnExit() { c->close_socket(); }
  } close_on_exit{conn};
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

  const auto write_timeout = std::chrono::seconds(ctx->opts.stream_write_timeout_seconds);
  std::int64_t cursor = opened->after;
  auto ex = ws.get_executor();
  std::weak_ptr<StreamConn> weak = conn;
  auto subscription = ctx->streams.subscribe(opened->user_id, [weak, ex](const ItemHint* hint) {
    std::optional<ItemHint> h;
    if (hint) h = *hint;  // copies an id and a pointer, not the payload
    asio::post(ex, [weak, h = std::move(h)]() mutable {
      auto c = weak.lock();
      if (!c) return;
      if (h && c->hints.size() < kMaxHints) c->hints.push_back(std::move(*h));
      else c->items_pending = true;  // no hint, or too many: read the store instead
      c->wake.cancel();
    });
  });
  asio::co_spawn(ex, read_frames(conn, ctx, *opened), asio::detached);

  if (!co_await write_frame(conn, ctx->streams.hello_frame(*opened), write_timeout)) {
    conn->close_socket();
    co_return;
  }
  bool fetch = true;
  const auto recheck = std::chrono::seconds(ctx->opts.stream_session_check_seconds);
  auto next_check = std::chrono::steady_clock::now() + recheck;
  while (!conn->closed) {
    if (std::chrono::steady_clock::now() >= next_check) {
      // Every stream_session_check_seconds, busy or quiet: is the session
      // still valid? A logged-out or expired token must not keep receiving.
      auto still = co_await on_workers(*ctx, [&] { return ctx->streams.open(plain); });
      if (!still) {
        spdlog::info("event=stream_session_ended user={} code={}", opened->network_id, still.error().code);
        break;
      }
      next_check = std::chrono::steady_clock::now() + recheck;
    }
    while (!conn->outbox.empty() && !conn->closed) {
      std::string f = std::move(conn->outbox.front());
      conn->outbox.pop_front();
      if (!co_await write_frame(conn, f, write_timeout)) conn->close_socket();
    }
    if (conn->closed) break;
    if (fetch) {
      conn->items_pending = false;
      auto batch = co_await on_workers(*ctx, [&] { return ctx->streams.frames_after(opened->user_id, cursor); });
      if (!batch) {
        spdlog::error("event=stream_read_failed user={} error=\"{}\"", opened->network_id, batch.error().message);
        break;
      }
      for (const auto& f : batch->frames) {
        if (!co_await write_frame(conn, f, write_timeout)) {
          conn->close_socket();
          break;
        }
      }
      if (conn->closed) break;
      cursor = batch->cursor;
      fetch = batch->more;
      continue;
    }
    if (conn->items_pending) {
      fetch = true;
      conn->hints.clear();  // the store read will cover them
      continue;
    }
    if (!conn->hints.empty()) {
      ItemHint h = std::move(conn->hints.front());
      conn->hints.pop_front();
      if (h.seq <= cursor) continue;  // already sent
      if (h.seq != cursor + 1) {
        fetch = true;  // an item before it is not here yet (publishers race): read the store
        conn->hints.clear();
        continue;
      }
      if (!co_await write_frame(conn, ctx->streams.render(h), write_timeout)) break;
      cursor = h.seq;
      continue;
    }
    if (!conn->outbox.empty()) continue;
    // The reader may have seen the peer leave while we were busy; its
    // cancel() then found no wait to cancel.
    if (conn->closed) break;
    conn->wake.expires_at(next_check);
    co_await conn->wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace mc::net
