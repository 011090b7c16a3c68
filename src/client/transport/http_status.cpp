#include "client/transport/http_status.hpp"

#include <boost/json.hpp>
#include <string>

namespace mc::client {

namespace json = boost::json;

bool is_success(int status) { return status >= 200 && status < 300; }

// The inverse of the server's table (server/net/http_error.cpp).
ErrorKind kind_for_status(int status) {
  switch (status) {
    case 400:
      return ErrorKind::kInvalidArgument;
    case 401:
      return ErrorKind::kUnauthenticated;
    case 403:
      return ErrorKind::kPermissionDenied;
    case 404:
    case 410:
      return ErrorKind::kNotFound;
    case 405:
      return ErrorKind::kUnimplemented;
    case 409:
      return ErrorKind::kAlreadyExists;
    case 412:
      return ErrorKind::kFailedPrecondition;
    case 413:
    case 431:
      return ErrorKind::kTooLarge;
    case 416:
      return ErrorKind::kOutOfRange;
    case 422:
      return ErrorKind::kDataLoss;
    case 429:
      return ErrorKind::kResourceExhausted;
    case 502:
    case 503:
    case 504:
      return ErrorKind::kUnavailable;
    default:
      return status >= 400 && status < 500 ? ErrorKind::kInvalidArgument : ErrorKind::kInternal;
  }
}

Error error_from_http(int status, std::string_view body) {
  ErrorKind kind = kind_for_status(status);
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
      const auto* code = e->as_object().if_contains("code");
      const auto* msg = e->as_object().if_contains("message");
      if (code && code->is_string() && msg && msg->is_string()) {
        return Error{kind, std::string(code->as_string()), std::string(msg->as_string())};
      }
    }
  }
  return Error{kind, "http_" + std::to_string(status), "the server answered " + std::to_string(status)};
}

}  // namespace mc::client
