// One HTTP/1.1 connection: read a request header, dispatch by route kind
// (plain, streamed upload, WebSocket upgrade), write the answer, loop.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/websocket.hpp>
#include <cerrno>
#include <cstring>

#include "core/may_block.hpp"
#include "server/net/http_error.hpp"
#include "server/net/session_context.hpp"

namespace mc::net {

using namespace asio::experimental::awaitable_operators;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kUploadChunk = 256 * 1024;
constexpr std::size_t kSendfileChunk = 4 << 20;
// Larger bodies are parsed on a worker even for inline-first routes: the
// parse alone would hold up every other connection of the I/O thread.
constexpr std::size_t kInlineBodyLimit = 16 * 1024;

HttpResponse guarded(const std::function<HttpResponse()>& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    spdlog::error("event=handler_exception error=\"{}\"", e.what());
    return error_response(Error::internal("internal error"));
  }
}

template <class Message>
void apply_headers(Message& h, const HttpResponse& res, bool keep_alive) {
  h.result(static_cast<unsigned>(res.status));
  h.version(11);
  h.set(http::field::server, "msgcenterd");
  h.set(http::field::content_type, res.content_type);
  for (const auto& [k, v] : res.headers) h.set(k, v);
  h.keep_alive(keep_alive);
}

struct FdGuard {
  int fd = -1;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

// Sends `length` bytes from `fd` at `offset` with sendfile(2): the bytes go
// from the page cache to the socket without passing through user space.
asio::awaitable<bool> send_file_slice(beast::tcp_stream& stream, int fd, std::uint64_t offset, std::uint64_t length,
                                      int idle_seconds) {
  auto& sock = stream.socket();
  sock.native_non_blocking(true);
  off_t off = static_cast<off_t>(offset);
  std::uint64_t remain = length;
  asio::steady_timer timer(sock.get_executor());
  while (remain > 0) {
    ssize_t n = ::sendfile(sock.native_handle(), fd, &off, std::min<std::uint64_t>(remain, kSendfileChunk));
    if (n > 0) {
      remain -= static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Wait until the peer drains its window; a peer that reads nothing for
      // the idle timeout is dropped.
      timer.expires_after(std::chrono::seconds(idle_seconds));
      auto which = co_await (sock.async_wait(tcp::socket::wait_write, asio::as_tuple(asio::use_awaitable)) ||
                             timer.async_wait(asio::as_tuple(asio::use_awaitable)));
      if (which.index() == 1 || std::get<0>(std::get<0>(which))) co_return false;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    co_return false;  // peer gone, or the file shrank under us
  }
  co_return true;
}

// After answering a request whose body was not read (413, a refused
// upload), closing at once would make the kernel reset the connection while
// the client is still sending, and the client would see the reset instead of
// our answer. So: stop sending, then read and discard what the client still
// sends, for a bounded time and amount, and only then close (nginx calls
// this a lingering close).
asio::awaitable<void> linger_close(beast::tcp_stream& stream) {
  constexpr std::uint64_t kMaxDrain = 64ull << 20;
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  std::vector<char> sink(64 * 1024);
  std::uint64_t drained = 0;
  stream.expires_after(std::chrono::seconds(5));
  while (drained < kMaxDrain) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (rec) break;
    drained += n;
  }
  stream.socket().close(ec);
}

// Answers an error on a connection whose request body is unread, then ends it.
asio::awaitable<void> refuse_and_close(beast::tcp_stream& stream, const Error& e, int idle_seconds) {
  stream.expires_after(std::chrono::seconds(idle_seconds));
  auto res = error_response(e);
  co_await write_response(stream, res, false, false, idle_seconds);
  co_await linger_close(stream);
}

}  // namespace

Result<HttpRequest> to_plain_request(const http::request_header<>& h, std::uint64_t request_id) {
  HttpRequest req;
  req.method = std::string(h.method_string());
  auto target = parse_target(h.target());
  if (!target) return target.error();
  req.path = std::move(target->first);
  req.query = std::move(target->second);
  for (const auto& f : h) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(f.value());
  }
  req.request_id = std::to_string(request_id);
  return req;
}

asio::awaitable<void> write_response(beast::tcp_stream& stream, const HttpResponse& res, bool keep_alive,
                                     bool head_only, int idle_seconds) {
  if (res.file) {
    // Open before the header goes out: a missing blob must be a 500, not a
    // valid-looking header followed by a dropped connection.
    FdGuard file{::open(res.file->path.c_str(), O_RDONLY | O_CLOEXEC)};
    struct stat st {};
    if (file.fd < 0 || ::fstat(file.fd, &st) != 0 ||
        static_cast<std::uint64_t>(st.st_size) < res.file->offset + res.file->length) {
      spdlog::error("event=blob_unreadable path={} error=\"{}\"", res.file->path, std::strerror(errno));
      auto err = error_response(Error::internal("the resource's content is unreadable on the server"));
      co_await write_response(stream, err, keep_alive, head_only, idle_seconds);
      co_return;
    }
    http::response<http::empty_body> msg;
    apply_headers(msg, res, keep_alive);
    msg.content_length(res.file->length);
    http::response_serializer<http::empty_body> sr(msg);
    stream.expires_after(std::chrono::seconds(idle_seconds));
    auto [ec, n] = co_await http::async_write_header(stream, sr, asio::as_tuple(asio::use_awaitable));
    if (ec) throw boost::system::system_error(ec);
    stream.expires_never();  // send_file_slice keeps its own idle timer
    if (!head_only && !co_await send_file_slice(stream, file.fd, res.file->offset, res.file->length, idle_seconds)) {
      throw std::runtime_error("download interrupted");
    }
    co_return;
  }
  http::response<http::string_body> msg;
  apply_headers(msg, res, keep_alive);
  msg.body() = res.body;
  msg.prepare_payload();
  stream.expires_after(std::chrono::seconds(idle_seconds));
  if (head_only) {
    http::response_serializer<http::string_body> sr(msg);
    co_await http::async_write_header(stream, sr, asio::use_awaitable);
    co_return;
  }
  co_await http::async_write(stream, msg, asio::use_awaitable);
}

namespace {

// Reads a streamed body into the route's sink, chunk by chunk. Disk writes
// run on the worker pool: an I/O thread never waits for the disk.
asio::awaitable<HttpResponse> receive_upload(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                             http::request_parser<http::empty_body>& header_parser,
                                             HttpRequest& req, const Router::UploadRoute& begin, SessionContext& ctx,
                                             bool& body_unread) {
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
                                                                      std::to_string(ctx.opts.upload_limit) + " bytes)"));
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
        std::move(*waiting)(guarded(render));
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

bool is_quiet_disconnect(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted;
}

}  // namespace

asio::awaitable<void> run_http_session(tcp::socket socket, std::shared_ptr<SessionContext> ctx) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  const int idle = ctx->opts.idle_timeout_seconds;
  for (;;) {
    http::request_parser<http::empty_body> header_parser;
    header_parser.header_limit(kHeaderLimit);
    // The real limit depends on the route; it is checked below.
    header_parser.body_limit(ctx->opts.upload_limit);
    stream.expires_after(std::chrono::seconds(idle));
    auto [ec, n] = co_await http::async_read_header(stream, buffer, header_parser, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == http::error::body_limit) {
        co_await refuse_and_close(stream, Error::too_large("body_too_large", "the body is too large"), idle);
      } else if (ec == http::error::header_limit) {
        co_await refuse_and_close(stream, Error::too_large("headers_too_large", "the request headers are too large"), idle);
      } else if (!is_quiet_disconnect(ec)) {
        co_await refuse_and_close(stream, Error::invalid_argument("bad_request", "malformed HTTP request"), idle);
      }
      co_return;
    }
    const auto& head = header_parser.get();
    bool keep_alive = head.keep_alive();
    bool head_only = head.method() == http::verb::head;

    auto plain = to_plain_request(head, ctx->next_request_id++);
    if (!plain) {
      co_await refuse_and_close(stream, plain.error(), idle);
      co_return;
    }
    HttpRequest& req = *plain;

    if (beast::websocket::is_upgrade(head)) {
      auto ws = ctx->router.match(req.method, req.path, true);
      if (ws.kind != Router::Match::kWebSocket) {
        co_await refuse_and_close(stream, Error::not_found("not_found", "no WebSocket at " + req.path), idle);
        co_return;
      }
      req.path_params = std::move(ws.params);
      stream.expires_never();
      co_await run_websocket_session(std::move(stream), header_parser.release(), std::move(req), *ws.websocket, ctx);
      co_return;
    }

    auto match = ctx->router.match(req.method, req.path);
    req.path_params = std::move(match.params);
    HttpResponse res;
    bool body_unread = false;  // then the connection ends after the answer
    if (match.kind == Router::Match::kUpload) {
      res = co_await receive_upload(stream, buffer, header_parser, req, *match.upload, *ctx, body_unread);
    } else {
      auto declared = header_parser.content_length();
      if (declared && *declared > ctx->opts.json_body_limit) {
        res = error_response(Error::too_large(
            "body_too_large", "the body is larger than " + std::to_string(ctx->opts.json_body_limit) + " bytes"));
        body_unread = true;
      } else {
        http::request_parser<http::string_body> body_parser(std::move(header_parser));
        body_parser.body_limit(ctx->opts.json_body_limit);  // still applies to chunked bodies
        stream.expires_after(std::chrono::seconds(idle));
        auto [ec2, n2] = co_await http::async_read(stream, buffer, body_parser, asio::as_tuple(asio::use_awaitable));
        if (ec2 == http::error::body_limit) {
          res = error_response(Error::too_large(
              "body_too_large", "the body is larger than " + std::to_string(ctx->opts.json_body_limit) + " bytes"));
          body_unread = true;
        } else if (ec2) {
          if (!is_quiet_disconnect(ec2)) {
            co_await refuse_and_close(stream, Error::invalid_argument("bad_request", "malformed request body"), idle);
          }
          co_return;
        } else {
          req.body = std::move(body_parser.get().body());
          if (match.kind == Router::Match::kHandler) {
            res = co_await on_workers(*ctx, [&] { return guarded([&] { return (*match.handler)(req); }); });
          } else if (match.kind == Router::Match::kAsync) {
            res = co_await run_async_route(*ctx, *match.async, match.start, req);
          } else if (match.kind == Router::Match::kMethodNotAllowed) {
            res = error_response(Error::unimplemented("method_not_allowed", req.method + " is not allowed on " + req.path));
          } else {
            res = error_response(Error::not_found("not_found", "no route for " + req.method + " " + req.path));
          }
        }
      }
    }
    res.headers.emplace_back("X-Request-Id", req.request_id);
    spdlog::debug("event=request id={} method={} path={} status={}", req.request_id, req.method, req.path, res.status);
    if (body_unread) keep_alive = false;
    co_await write_response(stream, res, keep_alive, head_only, idle);
    if (body_unread) {
      co_await linger_close(stream);
      co_return;
    }
    if (!keep_alive) {
      boost::system::error_code ignore;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignore);
      co_return;
    }
  }
}

}  // namespace mc::net
