// A thin RAII layer over the sqlite3 C API: one connection, prepared
// statements with typed binds and columns, errors as values. The server's
// embedded store (src/store/sqlite/) and the client's local store both use
// it; only src/sqlite/ includes sqlite3.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace mc::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, std::string_view v);  // bound as TEXT
  Statement& bind_blob(int index, std::string_view v);
  Statement& bind_null(int index);
  Statement& bind_real(int index, double v);

  // Advances to the next row. true: a row is ready; false: done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();
  void reset();

  std::int64_t int64(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;
  double real(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// A prepared statement borrowed from a connection's cache. Releasing it
// resets the statement: an un-reset statement would keep its read
// transaction open and pin a stale snapshot on that connection.
class StatementLease {
 public:
  StatementLease(Statement* cached, bool* in_use) : st_(cached), in_use_(in_use) {}
  explicit StatementLease(std::unique_ptr<Statement> owned) : owned_(std::move(owned)), st_(owned_.get()) {}
  StatementLease(StatementLease&& o) noexcept : owned_(std::move(o.owned_)), st_(o.st_), in_use_(o.in_use_) {
    o.st_ = nullptr;
    o.in_use_ = nullptr;
  }
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease();

  operator Statement&() { return *st_; }
  Statement& bind(int index, std::int64_t v) { return st_->bind(index, v); }
  Statement& bind(int index, std::string_view v) { return st_->bind(index, v); }
  Statement& bind_blob(int index, std::string_view v) { return st_->bind_blob(index, v); }
  Statement& bind_null(int index) { return st_->bind_null(index); }
  Statement& bind_real(int index, double v) { return st_->bind_real(index, v); }
  Result<bool> step() { return st_->step(); }
  Status run() { return st_->run(); }
  void reset() { st_->reset(); }
  std::int64_t int64(int col) const { return st_->int64(col); }
  std::string text(int col) const { return st_->text(col); }
  bool is_null(int col) const { return st_->is_null(col); }
  double real(int col) const { return st_->real(col); }

 private:
  std::unique_ptr<Statement> owned_;
  Statement* st_ = nullptr;
  bool* in_use_ = nullptr;
};

class Database {
 public:
  // Opens (creating if needed) the file at `path` in WAL mode with
  // synchronous=FULL: a committed transaction has been fsynced.
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status exec(std::string_view sql);
  // A prepared statement for `sql`, from this connection's cache (prepared
  // once, reused). A statement already lent out is prepared afresh.
  Result<StatementLease> prepare(std::string_view sql);
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  // False when no transaction is open (also after SQLite aborted one).
  bool in_transaction() const;
  std::string last_error() const;

  // Copies the whole database to a new file at `path` with SQLite's online
  // backup API: a consistent snapshot, taken while other connections keep
  // reading and writing; the copy is fsynced. Errors: kAlreadyExists
  // "file_exists" if `path` exists; kInternal on a failure of SQLite's.
  Status backup_to(const std::string& path);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  Result<std::unique_ptr<Statement>> prepare_new(std::string_view sql);

  struct CachedStatement {
    std::unique_ptr<Statement> stmt;
    bool in_use = false;
  };
  sqlite3* db_;
  // Cleared in the destructor before the connection closes: statements must
  // be finalized first.
  std::unordered_map<std::string, CachedStatement> cache_;
};

// RAII transaction: BEGIN IMMEDIATE on construction, ROLLBACK unless commit().
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Status begun() const { return begun_; }
  Status commit();

 private:
  Database& db_;
  Status begun_;
  bool open_ = false;
};

}  // namespace mc::sqlite
