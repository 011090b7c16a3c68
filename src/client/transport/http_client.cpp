#include "client/transport/http_client.hpp"

#include <poll.h>

#include <atomic>
#include <boost/beast/http.hpp>
#include <chrono>
#include <limits>
#include <optional>

#include "client/transport/io_runner.hpp"

namespace mc::client {

namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTimeout = std::chrono::seconds(60);
constexpr std::size_t kChunk = 256 * 1024;

Error network_error(const std::string& what, const boost::system::error_code& ec) {
  return Error::network(what + ": " + ec.message());
}

template <class Fields>
Headers lower_headers(const Fields& fields) {
  Headers out;
  for (const auto& f : fields) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out[name] = std::string(f.value());
  }
  return out;
}

bool retryable(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::connection_reset || ec == asio::error::eof ||
         ec == asio::error::broken_pipe;
}

}  // namespace

const std::string& HttpReply::header(const std::string& lower_name) const {
  static const std::string kEmpty;
  auto it = headers.find(lower_name);
  return it == headers.end() ? kEmpty : it->second;
}

struct HttpClient::Impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;
  std::chrono::steady_clock::duration timeout = kTimeout;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::atomic<bool> cancelled{false};

  // One asynchronous step, run to completion; none starts after cancel().
  // (A cancel that lands between two steps finds no operation to abort:
  // this check is what stops the exchange then.)
  template <class Start>
  boost::system::error_code step(Start&& start) {
    if (cancelled) return asio::error::operation_aborted;
    return run_op(ioc, std::forward<Start>(start));
  }

  // A failed step: cancelled when cancel() caused it, else a network error.
  Error fail(const std::string& what, const boost::system::error_code& ec) {
    if (cancelled) return Error::cancelled("the call was cancelled");
    return network_error(what, ec);
  }

  // Each step may wait `timeout`, and none past the deadline.
  void arm() {
    auto at = std::chrono::steady_clock::now() + timeout;
    if (deadline && *deadline < at) at = *deadline;
    stream.expires_at(at);
  }

  // A kept-alive connection the server has since closed reads as EOF at once.
  // Found before sending, it costs a reconnect; found after, it would leave
  // unknown whether the request was processed.
  bool stale() {
    pollfd p{stream.socket().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;  // readable with no request in flight: EOF or junk
  }

  Status connect(const Url& url) {
    if (cancelled) return Error::cancelled("the call was cancelled");
    if (connected && stale()) drop();
    if (connected) return {};
    tcp::resolver resolver(ioc);
    boost::system::error_code ec;
    auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec) return network_error("cannot resolve " + url.host, ec);
    arm();
    ec = step([&](auto h) { stream.async_connect(results, h); });
    if (ec) return fail("cannot connect to " + url.text(), ec);
    stream.socket().set_option(tcp::no_delay(true));
    buffer.clear();
    connected = true;
    return {};
  }

  void drop() {
    boost::system::error_code ignore;
    stream.socket().close(ignore);
    connected = false;
  }

  template <class Body>
  void prepare(http::request<Body>& req, const Url& url, const Headers& headers) {
    req.set(http::field::host, url.host + ":" + std::to_string(url.port));
    req.set(http::field::user_agent, "libmsgcenter/0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.keep_alive(true);
  }

  // Sends `req` and reads the response header. A failure while writing on a
  // reused connection is retried once on a new one (nothing reached the
  // server). A failure after the request was written is retried only for
  // methods that are safe to repeat.
  // Writes the request; with `upload_progress` set, piece by piece, telling
  // it how many bytes of the body went out (header bytes are not counted).
  std::function<void(std::uint64_t, std::uint64_t)> upload_progress;

  template <class Body>
  boost::system::error_code write_request(http::request<Body>& req) {
    if (!upload_progress) return step([&](auto h) { http::async_write(stream, req, h); });
    http::request_serializer<Body> sr(req);
    std::uint64_t total = req.payload_size().value_or(0), sent = 0;
    while (!sr.is_done()) {
      bool in_header = !sr.is_header_done();
      std::size_t wrote = 0;
      arm();
      auto ec = step([&](auto h) {
        http::async_write_some(stream, sr, [h, &wrote](boost::system::error_code e, std::size_t n) mutable {
          wrote = n;
          h(e, n);
        });
      });
      if (ec) return ec;
      if (!in_header) sent += wrote;
      // A write that finishes the header may carry the first body bytes too.
      if (!in_header || sr.is_header_done()) upload_progress(std::min(sent, total), total);
    }
    // The first body bytes may have gone out with the header, uncounted: all went.
    upload_progress(total, total);
    return {};
  }

  template <class Body>
  Status send_and_read_header(const Url& url, http::request<Body>& req,
                              std::optional<http::response_parser<http::empty_body>>& parser,
                              const std::function<void()>& rewind) {
    for (int attempt = 0;; ++attempt) {
      bool reused = connected;
      parser.emplace();
      parser->body_limit((std::numeric_limits<std::uint64_t>::max)());
      // The answer to a HEAD has a Content-Length but never a body.
      if (req.method() == http::verb::head) parser->skip(true);
      MC_TRY_STATUS(connect(url));
      arm();
      auto ec = write_request(req);
      bool written = !ec;
      if (!ec) {
        arm();
        ec = step([&](auto h) { http::async_read_header(stream, buffer, *parser, h); });
      }
      if (!ec) return {};
      drop();
      bool repeatable = !written || req.method() == http::verb::get || req.method() == http::verb::head ||
                        req.method() == http::verb::put || req.method() == http::verb::delete_;
      if (reused && attempt == 0 && retryable(ec) && repeatable && !cancelled) {
        if (rewind) rewind();
        continue;
      }
      return fail("request to " + url.text() + " failed", ec);
    }
  }

  Status read_rest(http::response_parser<http::empty_body>&& head, HttpReply& reply) {
    http::response_parser<http::string_body> p(std::move(head));
    arm();
    auto ec = step([&](auto h) { http::async_read(stream, buffer, p, h); });
    if (ec) {
      drop();
      return fail("reading the answer failed", ec);
    }
    reply.body = std::move(p.get().body());
    if (!p.get().keep_alive()) drop();
    return {};
  }

  template <class Body>
  Result<HttpReply> exchange(const Url& url, http::request<Body>& req, const std::function<void()>& rewind) {
    std::optional<http::response_parser<http::empty_body>> parser;
    MC_TRY_STATUS(send_and_read_header(url, req, parser, rewind));
    HttpReply reply;
    reply.status = static_cast<int>(parser->get().result_int());
    reply.headers = lower_headers(parser->get());
    if (parser->is_done()) {
      if (!parser->get().keep_alive()) drop();
      return reply;
    }
    MC_TRY_STATUS(read_rest(std::move(*parser), reply));
    return reply;
  }
};

HttpClient::HttpClient(Url url) : url_(std::move(url)), impl_(std::make_unique<Impl>()) {}
void HttpClient::set_timeout(std::chrono::steady_clock::duration t) { impl_->timeout = t; }

void HttpClient::set_deadline(std::chrono::steady_clock::time_point t) { impl_->deadline = t; }

HttpClient::~HttpClient() = default;

void HttpClient::cancel() {
  impl_->cancelled = true;
  // Posting is the one thread-safe way into the context; the handler runs
  // on the thread that runs the exchange (now, or when the next one starts).
  Impl* impl = impl_.get();
  asio::post(impl->ioc, [impl] { impl->stream.cancel(); });
}

Result<HttpReply> HttpClient::request(std::string_view method, const std::string& target, std::string_view body,
                                      const Headers& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(url_.prefix + target);
  req.version(11);
  impl_->prepare(req, url_, headers);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.body() = std::string(body);
    if (req.find(http::field::content_type) == req.end()) req.set(http::field::content_type, "application/json");
  }
  req.prepare_payload();
  return impl_->exchange(url_, req, nullptr);
}

Result<HttpReply> HttpClient::get_streamed(const std::string& target, const Headers& headers,
                                           const std::function<Status(const HttpReply&)>& on_head,
                                           const std::function<Status(const char*, std::size_t)>& on_body) {
  http::request<http::empty_body> req{http::verb::get, url_.prefix + target, 11};
  impl_->prepare(req, url_, headers);
  std::optional<http::response_parser<http::empty_body>> head;
  MC_TRY_STATUS(impl_->send_and_read_header(url_, req, head, nullptr));
  HttpReply reply;
  reply.status = static_cast<int>(head->get().result_int());
  reply.headers = lower_headers(head->get());
  if (reply.status < 200 || reply.status >= 300) {
    MC_TRY_STATUS(impl_->read_rest(std::move(*head), reply));
    return reply;
  }
  if (auto st = on_head(reply); !st) {
    impl_->drop();  // the unread body makes the connection unusable
    return st.error();
  }
  http::response_parser<http::buffer_body> p(std::move(*head));
  std::vector<char> chunk(kChunk);
  while (!p.is_done()) {
    p.get().body().data = chunk.data();
    p.get().body().size = chunk.size();
    impl_->arm();
    auto ec = impl_->step([&](auto h) { http::async_read(impl_->stream, impl_->buffer, p, h); });
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      impl_->drop();
      return impl_->fail("the download was interrupted", ec);
    }
    std::size_t got = chunk.size() - p.get().body().size;
    if (got > 0) {
      if (auto st = on_body(chunk.data(), got); !st) {
        impl_->drop();
        return st.error();
      }
    }
  }
  if (!p.get().keep_alive()) impl_->drop();
  return reply;
}

Result<HttpReply> HttpClient::post_file(const std::string& target, const std::string& path, const Headers& headers,
                                        const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  impl_->upload_progress = progress;
  struct Reset {
    Impl& impl;
    ~Reset() { impl.upload_progress = nullptr; }
  } reset{*impl_};
  http::request<http::file_body> req{http::verb::post, url_.prefix + target, 11};
  boost::system::error_code ec;
  req.body().open(path.c_str(), beast::file_mode::scan, ec);
  if (ec) return Error::invalid_argument("cannot_read_file", "cannot read " + path + ": " + ec.message());
  impl_->prepare(req, url_, headers);
  if (req.find(http::field::content_type) == req.end()) req.set(http::field::content_type, "application/octet-stream");
  req.prepare_payload();
  // A retry must send the file from its start again.
  auto rewind = [&req, &path] {
    boost::system::error_code e;
    req.body().open(path.c_str(), beast::file_mode::scan, e);
  };
  return impl_->exchange(url_, req, rewind);
}

}  // namespace mc::client
