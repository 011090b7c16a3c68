// Internal to transport/: runs one asynchronous Beast operation to
// completion on a private io_context, which is how the blocking client gets
// timeouts (tcp_stream's expiry applies only to asynchronous operations).
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>

namespace mc::client {

namespace asio = boost::asio;
namespace beast = boost::beast;

// Starts `start(handler)` and runs the context until the handler ran.
template <class Start>
boost::system::error_code run_op(asio::io_context& ioc, Start&& start) {
  boost::system::error_code result = asio::error::would_block;
  start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

}  // namespace mc::client
