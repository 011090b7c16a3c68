#include "server/net/http_error.hpp"

#include <boost/json.hpp>

#include "core/wire/codec.hpp"

namespace mc::net {

int http_status(const Error& e) {
  switch (e.kind) {
    case ErrorKind::kInvalidArgument:
      return 400;
    case ErrorKind::kFailedPrecondition:
      return 400;
    case ErrorKind::kOutOfRange:
      return 416;  // our only one: a byte range past the end
    // Gone for good, not unknown: an unpublished resource, an expired page snapshot.
    case ErrorKind::kNotFound:
      return e.code == "resource_gone" || e.code == "cursor_expired" || e.code == "code_expired" ? 410 : 404;
    case ErrorKind::kAlreadyExists:
      return 409;
    case ErrorKind::kPermissionDenied:
      return 403;
    case ErrorKind::kUnauthenticated:
      return 401;
    case ErrorKind::kResourceExhausted:
      return 429;
    // HTTP has a status of its own for headers over the limit.
    case ErrorKind::kTooLarge:
      return e.code == "headers_too_large" ? 431 : 413;
    case ErrorKind::kDataLoss:
      return 422;
    case ErrorKind::kUnimplemented:
      return 405;  // a route that exists with another method
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kCancelled:
      return 499;  // no request of a client is cancelled by the server; listed for completeness
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse json_response(int status, const boost::json::value& body) {
  HttpResponse r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

HttpResponse error_response(const Error& e) {
  HttpResponse r;
  r.status = http_status(e);
  r.body = wire::error_body(e);
  return r;
}

}  // namespace mc::net
