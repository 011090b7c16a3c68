// Writing answers: a string body with Beast, a file slice with sendfile(2),
// and the lingering close after an answer to a request whose body is unread.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <cerrno>
#include <cstring>

#include "server/net/http_error.hpp"
#include "server/net/session_context.hpp"

namespace mc::net {

using namespace asio::experimental::awaitable_operators;

namespace {

constexpr std::size_t kSendfileChunk = 4 << 20;

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

}  // namespace

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

}  // namespace mc::net
