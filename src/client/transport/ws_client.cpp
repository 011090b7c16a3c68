#include "client/transport/ws_client.hpp"

#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include "client/transport/http_status.hpp"
#include "client/transport/io_runner.hpp"

namespace mc::client {

namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WsClient::Impl {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool reading = false;  // an async_read is in flight
  bool have_message = false;
  boost::system::error_code read_error;
};

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsClient::~WsClient() { close(); }

Result<std::unique_ptr<WsClient>> WsClient::connect(const Url& url, const std::string& target,
                                                    const std::string& bearer_token) {
  auto impl = std::make_unique<Impl>();
  tcp::resolver resolver(impl->ioc);
  boost::system::error_code ec;
  auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec) return Error::network("cannot resolve " + url.host + ": " + ec.message());
  auto& lowest = beast::get_lowest_layer(impl->ws);
  lowest.expires_after(std::chrono::seconds(30));
  ec = run_op(impl->ioc, [&](auto h) { lowest.async_connect(results, h); });
  if (ec) return Error::network("cannot connect to " + url.text() + ": " + ec.message());
  lowest.expires_never();
  websocket::stream_base::timeout to{};
  to.handshake_timeout = std::chrono::seconds(30);
  to.idle_timeout = std::chrono::seconds(120);  // the server pings; silence this long means it is gone
  to.keep_alive_pings = true;
  impl->ws.set_option(to);
  impl->ws.read_message_max(16 << 20);
  impl->ws.set_option(websocket::stream_base::decorator([&bearer_token](websocket::request_type& req) {
    req.set(http::field::authorization, "Bearer " + bearer_token);
    req.set(http::field::user_agent, "libmsgcenter/0.1");
  }));
  websocket::response_type res;
  std::string host = url.host + ":" + std::to_string(url.port);
  ec = run_op(impl->ioc, [&](auto h) { impl->ws.async_handshake(res, host, url.prefix + target, h); });
  if (ec) {
    // The server refused the upgrade, with a JSON error body.
    if (res.result_int() >= 400) return error_from_http(static_cast<int>(res.result_int()), res.body());
    return Error::network("WebSocket handshake failed: " + ec.message());
  }
  return std::unique_ptr<WsClient>(new WsClient(std::move(impl)));
}

Result<std::optional<std::string>> WsClient::read(std::chrono::milliseconds timeout) {
  auto& im = *impl_;
  if (im.read_error) return Error::network("the stream closed: " + im.read_error.message());
  if (!im.reading && !im.have_message) {
    im.reading = true;
    im.ws.async_read(im.buffer, [&im](boost::system::error_code ec, std::size_t) {
      im.reading = false;
      if (ec) im.read_error = ec;
      else im.have_message = true;
    });
  }
  im.ioc.restart();
  // run_for returns as soon as the read handler ran, or when time is up.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (im.reading && std::chrono::steady_clock::now() < deadline) {
    im.ioc.run_one_until(deadline);
  }
  if (im.have_message) {
    im.have_message = false;
    std::string text = beast::buffers_to_string(im.buffer.data());
    im.buffer.consume(im.buffer.size());
    return std::optional<std::string>(std::move(text));
  }
  if (im.read_error) return Error::network("the stream closed: " + im.read_error.message());
  return std::optional<std::string>{};
}

Status WsClient::send(const std::string& text) {
  auto& im = *impl_;
  boost::system::error_code result = asio::error::would_block;
  bool done = false;
  im.ws.async_write(asio::buffer(text), [&](boost::system::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  im.ioc.restart();
  while (!done) im.ioc.run_one();
  if (result) return Error::network("cannot send on the stream: " + result.message());
  return {};
}

void WsClient::close() {
  if (!impl_) return;
  boost::system::error_code ignore;
  beast::get_lowest_layer(impl_->ws).socket().close(ignore);
  impl_->ioc.restart();
  impl_->ioc.poll();  // let the pending read finish with its error
  impl_.reset();
}

}  // namespace mc::client
