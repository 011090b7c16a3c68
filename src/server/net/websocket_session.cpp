// One WebSocket connection of any WebSocket route (net/websocket.hpp).
//
// A writer coroutine asks the route's session what to send (pull), sends
// it, and sleeps until the session's peer is woken. A reader coroutine takes
// the client's frames, has the session handle them on the worker pool, and
// puts the answers in a small outbox that only the writer drains (a
// WebSocket has one writer at a time).
//
// Nothing is queued per connection but those answers: what to send next is
// the session's to decide from its own state, so a slow or absent client
// costs what one pull returns. A client that stops reading makes a write
// wait; past stream_write_timeout_seconds the connection is closed. So is
// one whose outbox overflows because it sends without reading.
#include <spdlog/spdlog.h>

#include <boost/beast/websocket.hpp>
#include <deque>

#include "server/metrics.hpp"
#include "server/net/http_error.hpp"
#include "server/net/session_context.hpp"

namespace mc::net {

namespace websocket = beast::websocket;

namespace {

struct Connection {
  explicit Connection(beast::tcp_stream&& s)
      : ws(std::move(s)), wake(ws.get_executor()), write_deadline(ws.get_executor()) {}
  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer wake;
  asio::steady_timer write_deadline;
  std::deque<std::string> outbox;  // answers to client frames
  bool woken = true;               // the session may have something to send
  bool closed = false;             // the peer left, or we gave up on it
  std::uint64_t write_gen = 0;     // which write the armed deadline belongs to

  void close_socket() {
    closed = true;
    boost::system::error_code ignore;
    beast::get_lowest_layer(ws).socket().close(ignore);
    wake.cancel();
  }
};

// What the session holds of its connection: a wake-up, posted to the
// connection's strand. Its link to the connection is set and read only on
// that strand, and it outlives the connection harmlessly.
class Peer final : public WebSocketPeer, public std::enable_shared_from_this<Peer> {
 public:
  explicit Peer(asio::any_io_executor ex) : ex_(std::move(ex)) {}
  void attach(const std::shared_ptr<Connection>& c) { conn_ = c; }  // on the strand
  void wake() override {
    asio::post(ex_, [self = shared_from_this()] {
      auto c = self->conn_.lock();
      if (!c) return;  // not attached yet (the first pull reads everything) or gone
      c->woken = true;
      c->wake.cancel();
    });
  }

 private:
  asio::any_io_executor ex_;
  std::weak_ptr<Connection> conn_;
};

// Writes one frame; a write that has not finished after `timeout` closes
// the connection, which fails the write.
asio::awaitable<bool> write_frame(const std::shared_ptr<Connection>& conn, const std::string& frame,
                                  std::chrono::seconds timeout) {
  std::weak_ptr<Connection> weak = conn;
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

asio::awaitable<void> read_frames(std::shared_ptr<Connection> conn, std::shared_ptr<SessionContext> ctx,
                                  std::shared_ptr<WebSocketSession> session, std::string who) {
  beast::flat_buffer buf;
  for (;;) {
    auto [ec, n] = co_await conn->ws.async_read(buf, asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    std::string text = beast::buffers_to_string(buf.data());
    buf.consume(buf.size());
    auto reply = co_await on_workers(*ctx, [&] { return session->on_frame(text); });
    if (!reply) continue;
    if (conn->outbox.size() >= ctx->opts.stream_outbox_limit) {
      spdlog::info("event=stream_outbox_full user={} action=close", who);
      break;
    }
    conn->outbox.push_back(std::move(*reply));
    conn->wake.cancel();
  }
  conn->close_socket();
}

// Asks the session what to send: on this thread first, on a worker if it
// has to wait for the disk.
asio::awaitable<Result<WebSocketSession::Pull>> pull(SessionContext& ctx, WebSocketSession& session) {
  auto now = session.pull(false);
  if (!now || !now->needs_blocking) co_return now;
  co_return co_await on_workers(ctx, [&] { return session.pull(true); });
}

}  // namespace

asio::awaitable<void> run_websocket_session(beast::tcp_stream stream, http::request<http::empty_body> req,
                                            HttpRequest plain, const WebSocketHandler& route,
                                            std::shared_ptr<SessionContext> ctx) {
  auto peer = std::make_shared<Peer>(stream.get_executor());
  auto opened = co_await on_workers(*ctx, [&] { return route(plain, peer); });
  if (!opened) {
    co_await write_response(stream, error_response(opened.error()), false, false, ctx->opts.idle_timeout_seconds);
    co_return;
  }
  std::shared_ptr<WebSocketSession> session = std::move(*opened);
  const std::string who = plain.caller ? plain.caller->network_id : std::string("-");
  auto conn = std::make_shared<Connection>(std::move(stream));
  peer->attach(conn);
  // However the writer ends (an exception included), the connection closes:
  // the reader must not keep a stream alive that no longer sends.
  struct CloseOnExit {
    std::shared_ptr<Connection> c;
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
  static auto& open_streams = server::metrics().gauge("msgcenter_websockets_open");
  open_streams.fetch_add(1);
  struct CountOpen {
    ~CountOpen() { open_streams.fetch_sub(1); }
  } count_open;
  asio::co_spawn(ws.get_executor(), read_frames(conn, ctx, session, who), asio::detached);

  const auto write_timeout = std::chrono::seconds(ctx->opts.stream_write_timeout_seconds);
  const auto recheck = std::chrono::seconds(ctx->opts.stream_session_check_seconds);
  auto next_check = std::chrono::steady_clock::now() + recheck;
  while (!conn->closed) {
    if (std::chrono::steady_clock::now() >= next_check) {
      // Every stream_session_check_seconds, busy or quiet: may it go on? A
      // logged-out or expired token must not keep receiving.
      auto still = co_await on_workers(*ctx, [&] { return session->still_allowed(); });
      if (!still) {
        spdlog::info("event=stream_session_ended user={} code={}", who, still.error().code);
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
    if (conn->woken) {
      conn->woken = false;
      auto batch = co_await pull(*ctx, *session);
      if (!batch) {
        spdlog::error("event=stream_read_failed user={} error=\"{}\"", who, batch.error().message);
        break;
      }
      for (const auto& f : batch->frames) {
        if (!co_await write_frame(conn, f, write_timeout)) {
          conn->close_socket();
          break;
        }
      }
      if (batch->more) conn->woken = true;
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
