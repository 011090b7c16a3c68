#include "http_load.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

namespace mc::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Shared {
  std::atomic<bool> stop{false};
  std::atomic<long> done{0};
  std::atomic<long> failed{0};
};

asio::awaitable<void> drive(tcp::endpoint ep, http::verb verb, std::string token, std::string target, std::string body,
                            int expect, Shared& sh, std::vector<double>& lat) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  auto [cec] = co_await stream.async_connect(ep, asio::as_tuple(asio::use_awaitable));
  if (cec) {
    ++sh.failed;
    co_return;
  }
  stream.socket().set_option(tcp::no_delay(true));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (verb == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::flat_buffer buf;
  while (!sh.stop) {
    auto t0 = std::chrono::steady_clock::now();
    auto [wec, wn] = co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
    http::response<http::string_body> res;
    auto [rec, rn] = co_await http::async_read(stream, buf, res, asio::as_tuple(asio::use_awaitable));
    if (wec || rec || static_cast<int>(res.result_int()) != expect) {
      if (!wec && !rec) std::fprintf(stderr, "unexpected answer %u: %s\n", res.result_int(), res.body().c_str());
      ++sh.failed;
      co_return;
    }
    lat.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    ++sh.done;
  }
}

Measured load(http::verb verb, int port, const std::vector<std::string>& tokens, const std::string& target,
              const std::vector<std::string>& bodies, int connections, int threads, double seconds, int expect_status);

}  // namespace

Measured post_load(int port, const std::vector<std::string>& tokens, const std::string& target, const std::string& body,
                   int connections, int threads, double seconds, int expect_status) {
  return post_load_each(port, tokens, target, {body}, connections, threads, seconds, expect_status);
}

Measured get_load(int port, const std::string& token, const std::string& target, int connections, int threads,
                  double seconds) {
  return load(http::verb::get, port, {token}, target, {""}, connections, threads, seconds, 200);
}

Measured post_load_each(int port, const std::vector<std::string>& tokens, const std::string& target,
                        const std::vector<std::string>& bodies, int connections, int threads, double seconds,
                        int expect_status) {
  return load(http::verb::post, port, tokens, target, bodies, connections, threads, seconds, expect_status);
}

namespace {

Measured load(http::verb verb, int port, const std::vector<std::string>& tokens, const std::string& target,
              const std::vector<std::string>& bodies, int connections, int threads, double seconds, int expect_status) {
  asio::io_context ioc(threads);
  Shared sh;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(connections));
  for (int i = 0; i < connections; ++i) {
    asio::co_spawn(asio::make_strand(ioc),
                   drive(ep, verb, tokens[static_cast<std::size_t>(i) % tokens.size()], target,
                         bodies[static_cast<std::size_t>(i) % bodies.size()], expect_status, sh,
                         lat[static_cast<std::size_t>(i)]),
                   asio::detached);
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back([&] { ioc.run(); });
  // Let the connections open before counting.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  long start = sh.done;
  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  long end = sh.done;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sh.stop = true;
  for (auto& t : pool) t.join();
  if (sh.failed > 0) std::fprintf(stderr, "http load: %ld connections failed\n", sh.failed.load());
  Measured m;
  m.per_second = static_cast<double>(end - start) / elapsed;
  for (auto& l : lat) m.latencies_us.insert(m.latencies_us.end(), l.begin(), l.end());
  return m;
}

}  // namespace

}  // namespace mc::bench
