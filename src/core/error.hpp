// Errors as values. Every fallible call at a module boundary returns
// Result<T>. An Error says what went wrong, never how it travels: a kind
// (the status codes Abseil uses, which mean the same in storage, the server,
// the client and the CLI), the protocol's stable machine code
// ("resource_not_found", see docs/protocol.md) and a message for people.
//
// Only the edges know HTTP: the server picks the status for a kind in
// net/http_error.cpp, and the client reads it back in client/transport/http_status.cpp.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mc {

enum class ErrorKind {
  kInvalidArgument,     // the request is wrong whatever the state: a bad field, a malformed id
  kFailedPrecondition,  // the request is fine but the state forbids it now (ack past the newest item)
  kOutOfRange,          // a position past the end (a byte range past a blob's size)
  kNotFound,            // what is named does not exist (or is not the caller's to see)
  kAlreadyExists,       // a name or an idempotency key is taken
  kPermissionDenied,    // the caller is known but may not do this
  kUnauthenticated,     // no valid login
  kResourceExhausted,   // a quota or rate is used up; try later
  kTooLarge,            // an input is over a size limit (ours: Abseil folds this into kResourceExhausted)
  kDataLoss,            // bytes do not match their digest
  kUnimplemented,       // the operation does not exist here (a route with another method)
  kUnavailable,         // the other side cannot be reached now; retrying may help
  kCancelled,           // the caller cancelled the call (libmsgcenter's mc_cancel)
  kInternal,            // a fault of ours
};

// "invalid_argument", "not_found", ...: a kind's name, for logs and messages.
std::string_view kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;     // machine-readable, stable: "resource_not_found"
  std::string message;  // for people: "no resource with id r_12"

  static Error invalid_argument(std::string code, std::string message);
  static Error failed_precondition(std::string code, std::string message);
  static Error out_of_range(std::string code, std::string message);
  static Error not_found(std::string code, std::string message);
  static Error already_exists(std::string code, std::string message);
  static Error permission_denied(std::string code, std::string message);
  static Error unauthenticated(std::string code, std::string message);
  static Error resource_exhausted(std::string code, std::string message);
  static Error too_large(std::string code, std::string message);
  static Error data_loss(std::string code, std::string message);
  static Error unimplemented(std::string code, std::string message);
  static Error unavailable(std::string code, std::string message);
  // kCancelled "cancelled".
  static Error cancelled(std::string message);
  static Error internal(std::string message);
  // A failure of the transport below the protocol (connection refused, ...):
  // kUnavailable with code "network".
  static Error network(std::string message);

  bool is(ErrorKind k) const { return kind == k; }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// Result of an operation that produces nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    assert(failed_);
    return error_;
  }
  Error&& error() && {
    assert(failed_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace mc

// MC_TRY(auto x, expr): evaluates `expr` (a Result<T>); on error returns the
// error from the enclosing function, else declares `x` with the value.
// MC_TRY_STATUS(expr): the same for a Status, or a Result whose value is
// not needed. The enclosing function returns a Result or a Status (or
// anything an Error converts to).
#define MC_TRY_CAT_INNER_(a, b) a##b
#define MC_TRY_CAT_(a, b) MC_TRY_CAT_INNER_(a, b)
#define MC_TRY_IMPL_(tmp, decl, expr)      \
  auto tmp = (expr);                       \
  if (!tmp) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define MC_TRY(decl, expr) MC_TRY_IMPL_(MC_TRY_CAT_(mc_try_, __LINE__), decl, expr)
#define MC_TRY_STATUS(expr)                                                          \
  do {                                                                               \
    if (auto mc_try_st_ = (expr); !mc_try_st_) return std::move(mc_try_st_).error(); \
  } while (0)
