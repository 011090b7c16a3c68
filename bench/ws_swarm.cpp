#include "ws_swarm.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace mc::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WsSwarm::Impl {
  struct Conn {
    explicit Conn(asio::io_context& ioc) : ws(ioc) {}
    websocket::stream<beast::tcp_stream> ws;
    bool hello = false;
    bool got = false;
    Clock::time_point arrived{};
  };

  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{ioc.get_executor()};
  std::thread thread;
  std::vector<std::shared_ptr<Conn>> conns;
  std::atomic<std::size_t> connected{0}, finished{0}, got{0};
  std::atomic<bool> armed{false};

  Impl() : thread([this] { ioc.run(); }) {}

  asio::awaitable<void> run_conn(std::shared_ptr<Conn> c, tcp::endpoint ep, std::string token, std::string query) {
    auto& lowest = beast::get_lowest_layer(c->ws);
    lowest.expires_after(std::chrono::seconds(30));
    auto [ec] = co_await lowest.async_connect(ep, asio::as_tuple(asio::use_awaitable));
    if (!ec) {
      lowest.expires_never();
      c->ws.set_option(websocket::stream_base::decorator(
          [token](websocket::request_type& req) { req.set(beast::http::field::authorization, "Bearer " + token); }));
      auto [hec] =
          co_await c->ws.async_handshake("127.0.0.1", "/v1/stream" + query, asio::as_tuple(asio::use_awaitable));
      ec = hec;
    }
    beast::flat_buffer buf;
    while (!ec) {
      auto [rec, n] = co_await c->ws.async_read(buf, asio::as_tuple(asio::use_awaitable));
      if (rec) break;
      auto text = beast::buffers_to_string(buf.data());
      buf.consume(buf.size());
      if (!c->hello) {
        c->hello = true;
        ++connected;
      } else if (armed && !c->got && text.find("\"type\":\"item\"") != std::string::npos) {
        c->got = true;
        c->arrived = Clock::now();
        ++got;
      }
    }
    ++finished;
  }
};

WsSwarm::WsSwarm() : impl_(std::make_unique<Impl>()) {}

WsSwarm::~WsSwarm() {
  close_all();
  impl_->work.reset();
  impl_->thread.join();
}

std::size_t WsSwarm::connect(int port, const std::vector<std::string>& tokens, const std::vector<std::string>& queries,
                             std::size_t parallel, std::chrono::seconds limit) {
  auto& im = *impl_;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  auto deadline = Clock::now() + limit;
  std::size_t base = im.connected;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    // Keep at most `parallel` handshakes in flight: the listen backlog is finite.
    while (i - (im.connected - base) >= parallel && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    asio::post(im.ioc, [&im, ep, t = tokens[i], q = queries[i]] {
      auto c = std::make_shared<Impl::Conn>(im.ioc);
      im.conns.push_back(c);
      asio::co_spawn(im.ioc, im.run_conn(c, ep, t, q), asio::detached);
    });
  }
  while (im.connected - base < tokens.size() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return im.connected - base;
}

void WsSwarm::arm() {
  impl_->got = 0;
  impl_->armed = true;
}

std::vector<WsSwarm::Clock::time_point> WsSwarm::wait_items(std::chrono::seconds limit) {
  auto& im = *impl_;
  auto deadline = Clock::now() + limit;
  std::size_t want = im.connected;
  while (im.got < want && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<Clock::time_point> out;
  std::promise<void> done;
  asio::post(im.ioc, [&] {
    for (auto& c : im.conns) {
      if (c->got) out.push_back(c->arrived);
    }
    done.set_value();
  });
  done.get_future().wait();
  return out;
}

void WsSwarm::close_all() {
  auto& im = *impl_;
  std::promise<void> done;
  asio::post(im.ioc, [&] {
    for (auto& c : im.conns) {
      boost::system::error_code ignore;
      beast::get_lowest_layer(c->ws).socket().close(ignore);
    }
    done.set_value();
  });
  done.get_future().wait();
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (im.finished < im.conns.size() && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::promise<void> cleared;
  asio::post(im.ioc, [&] {
    im.conns.clear();
    cleared.set_value();
  });
  cleared.get_future().wait();
  im.connected = 0;
  im.finished = 0;
  im.armed = false;
}

}  // namespace mc::bench
