#include "core/error.hpp"

namespace mc {

std::string_view kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument:
      return "invalid_argument";
    case ErrorKind::kFailedPrecondition:
      return "failed_precondition";
    case ErrorKind::kOutOfRange:
      return "out_of_range";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kAlreadyExists:
      return "already_exists";
    case ErrorKind::kPermissionDenied:
      return "permission_denied";
    case ErrorKind::kUnauthenticated:
      return "unauthenticated";
    case ErrorKind::kResourceExhausted:
      return "resource_exhausted";
    case ErrorKind::kTooLarge:
      return "too_large";
    case ErrorKind::kDataLoss:
      return "data_loss";
    case ErrorKind::kUnimplemented:
      return "unimplemented";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kCancelled:
      return "cancelled";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

namespace {
Error make(ErrorKind k, std::string c, std::string m) { return Error{k, std::move(c), std::move(m)}; }
}  // namespace

Error Error::invalid_argument(std::string c, std::string m) {
  return make(ErrorKind::kInvalidArgument, std::move(c), std::move(m));
}
Error Error::failed_precondition(std::string c, std::string m) {
  return make(ErrorKind::kFailedPrecondition, std::move(c), std::move(m));
}
Error Error::out_of_range(std::string c, std::string m) {
  return make(ErrorKind::kOutOfRange, std::move(c), std::move(m));
}
Error Error::not_found(std::string c, std::string m) { return make(ErrorKind::kNotFound, std::move(c), std::move(m)); }
Error Error::already_exists(std::string c, std::string m) {
  return make(ErrorKind::kAlreadyExists, std::move(c), std::move(m));
}
Error Error::permission_denied(std::string c, std::string m) {
  return make(ErrorKind::kPermissionDenied, std::move(c), std::move(m));
}
Error Error::unauthenticated(std::string c, std::string m) {
  return make(ErrorKind::kUnauthenticated, std::move(c), std::move(m));
}
Error Error::resource_exhausted(std::string c, std::string m) {
  return make(ErrorKind::kResourceExhausted, std::move(c), std::move(m));
}
Error Error::too_large(std::string c, std::string m) { return make(ErrorKind::kTooLarge, std::move(c), std::move(m)); }
Error Error::data_loss(std::string c, std::string m) { return make(ErrorKind::kDataLoss, std::move(c), std::move(m)); }
Error Error::unimplemented(std::string c, std::string m) {
  return make(ErrorKind::kUnimplemented, std::move(c), std::move(m));
}
Error Error::unavailable(std::string c, std::string m) {
  return make(ErrorKind::kUnavailable, std::move(c), std::move(m));
}
Error Error::cancelled(std::string m) { return make(ErrorKind::kCancelled, "cancelled", std::move(m)); }
Error Error::internal(std::string m) { return make(ErrorKind::kInternal, "internal", std::move(m)); }
Error Error::network(std::string m) { return make(ErrorKind::kUnavailable, "network", std::move(m)); }

}  // namespace mc
