#include "server/net/http_server.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <csignal>
#include <exception>
#include <thread>
#include <vector>

#include "server/net/session_context.hpp"

namespace mc::net {

Result<HostPort> parse_listen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error::invalid_argument("bad_listen", "listen must be HOST:PORT, not '" + s + "'");
  }
  HostPort hp;
  hp.host = s.substr(0, colon);
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']')
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  std::string port = s.substr(colon + 1);
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p > 65535) {
    return Error::invalid_argument("bad_listen", "listen port must be 0-65535, not '" + port + "'");
  }
  hp.port = static_cast<std::uint16_t>(p);
  return hp;
}

struct HttpServer::Impl {
  std::shared_ptr<SessionContext> ctx;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};

  // Graceful shutdown: accept nothing more, let every request already read
  // get its answer (a committed share must not lose it), end keep-alive
  // connections after their current answer, then stop. Bounded by
  // kDrainLimit; WebSocket streams are simply closed (clients resume from
  // their cursor).
  asio::awaitable<void> drain() {
    constexpr auto kDrainLimit = std::chrono::seconds(10);
    ctx->draining = true;
    boost::system::error_code ignore;
    acceptor.close(ignore);
    auto deadline = std::chrono::steady_clock::now() + kDrainLimit;
    asio::steady_timer tick(ioc);
    for (;;) {
      while (ctx->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds(10));
        co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      // A request counted between the check above and this flag is waited
      // for too; one counted after it sees the flag and gives up.
      ctx->stopping = true;
      if (ctx->in_flight.load() == 0 || std::chrono::steady_clock::now() >= deadline) break;
      ctx->stopping = false;
    }
    spdlog::info("event=drained in_flight={}", ctx->in_flight.load());
    ioc.stop();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      // Each connection gets its own strand: its coroutines and the
      // notifications posted to it never run at the same time.
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        // Out of file descriptors, say: the listening socket stays readable,
        // so pause instead of spinning.
        spdlog::warn("event=accept_failed error=\"{}\"", ec.message());
        asio::steady_timer pause(ioc, std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      boost::system::error_code opt_ec;
      socket.set_option(tcp::no_delay(true), opt_ec);  // best effort; a reset peer may refuse it
      auto ex = socket.get_executor();
      asio::co_spawn(ex, run_http_session(std::move(socket), ctx), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::warn("event=session_failed error=\"{}\"", ex.what());
        }
      });
    }
  }
};

HttpServer::HttpServer(NetOptions opts, Router& router) : impl_(std::make_unique<Impl>()) {
  // sendfile(2) to a peer that has gone raises SIGPIPE (Asio's own sends use
  // MSG_NOSIGNAL, sendfile cannot): a vanished client must cost an EPIPE,
  // not the process.
  std::signal(SIGPIPE, SIG_IGN);
  impl_->ctx = std::make_shared<SessionContext>(std::move(opts), router);
}

HttpServer::~HttpServer() { impl_->ctx->workers.join(); }

Result<std::uint16_t> HttpServer::listen() {
  MC_TRY(auto where, parse_listen(impl_->ctx->opts.listen));
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(where.host, ec);
  if (ec) return Error::invalid_argument("bad_listen", "cannot parse listen address '" + where.host + "'");
  tcp::endpoint ep(addr, where.port);
  auto& a = impl_->acceptor;
  if (a.open(ep.protocol(), ec); ec) return Error::internal("socket: " + ec.message());
  a.set_option(asio::socket_base::reuse_address(true));
  if (a.bind(ep, ec); ec)
    return Error::unavailable("cannot_bind", "cannot bind " + impl_->ctx->opts.listen + ": " + ec.message());
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) return Error::internal("listen: " + ec.message());
  return a.local_endpoint().port();
}

void HttpServer::run() {
  auto& im = *impl_;
  // The accept loop and the drain that closes the acceptor run on one
  // strand: an acceptor is not to be closed while another thread uses it.
  auto accept_strand = asio::make_strand(im.ioc);
  asio::co_spawn(accept_strand, im.accept_loop(), asio::detached);
  im.signals.async_wait([&im, accept_strand](boost::system::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("event=shutdown signal={} in_flight={}", sig, im.ctx->in_flight.load());
    asio::co_spawn(accept_strand, im.drain(), asio::detached);
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < im.ctx->opts.io_threads; ++i) threads.emplace_back([&im] { im.ioc.run(); });
  std::exception_ptr failed;
  try {
    im.ioc.run();
  } catch (...) {
    failed = std::current_exception();
    im.ioc.stop();
  }
  for (auto& t : threads) t.join();
  im.ctx->workers.join();  // handlers still running finish (their answers go nowhere)
  if (failed) std::rethrow_exception(failed);
}

}  // namespace mc::net
