// A thin RAII layer over libpq: one connection, queries with text
// parameters, results read by row and column, errors as values. Only
// src/store/postgres/ includes libpq-fe.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

struct pg_conn;
struct pg_result;

namespace mc::pg {

// A parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

class Rows {
 public:
  explicit Rows(pg_result* r) : r_(r) {}
  ~Rows();
  Rows(Rows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Rows& operator=(Rows&& o) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  bool empty() const { return size() == 0; }
  std::string text(int row, int col) const;
  std::int64_t int64(int row, int col) const;
  bool boolean(int row, int col) const;  // PostgreSQL's 't' / 'f'
  bool is_null(int row, int col) const;
  // rows_affected of an INSERT/UPDATE/DELETE without RETURNING.
  std::int64_t affected() const;

 private:
  pg_result* r_;
};

class Connection {
 public:
  // Errors: kUnavailable "store_unavailable" when the server cannot be reached.
  static Result<std::unique_ptr<Connection>> open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement (or several, without parameters).
  Status exec(std::string_view sql);
  // Runs one statement with $1, $2, ... bound to `params`. Errors by
  // SQLSTATE: a unique violation is kAlreadyExists "constraint", other
  // integrity violations kFailedPrecondition "constraint", a deadlock or a
  // serialization failure kAborted-like kUnavailable "retry", a lost
  // connection kUnavailable "store_unavailable", the rest kInternal.
  Result<Rows> query(std::string_view sql, const std::vector<Param>& params = {});
  // False once the connection is lost (it is then dropped by its pool).
  bool healthy() const;
  // Outside any transaction (a connection left inside one must not be reused).
  bool idle() const;

 private:
  explicit Connection(pg_conn* c) : c_(c) {}
  pg_conn* c_;
};

// "{a,b}" for a text[] parameter, and back.
std::string text_array(const std::vector<std::string>& items);
std::string int_array(const std::vector<std::int64_t>& items);

}  // namespace mc::pg
