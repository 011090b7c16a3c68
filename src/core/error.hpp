// Errors as values. Every fallible call at a module boundary returns
// Result<T>; the error carries the HTTP status it maps to, a stable machine
// code (part of the protocol, see docs/protocol.md) and a human message.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace mc {

struct Error {
  int status = 500;       // HTTP status this error maps to on the wire.
  std::string code;       // machine-readable, stable: "resource_not_found"
  std::string message;    // for people: "no resource with id r_12"

  static Error bad_request(std::string code, std::string message);
  static Error unauthorized(std::string code, std::string message);
  static Error forbidden(std::string code, std::string message);
  static Error not_found(std::string code, std::string message);
  static Error conflict(std::string code, std::string message);
  static Error too_large(std::string code, std::string message);
  static Error unprocessable(std::string code, std::string message);
  static Error internal(std::string message);
  // A failure of the transport below the protocol (connection refused, ...).
  static Error network(std::string message);
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

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
  const Error& error() const { assert(failed_); return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace mc
