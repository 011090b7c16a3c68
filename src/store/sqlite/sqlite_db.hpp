// A thin RAII layer over the sqlite3 C API: one connection, prepared
// statements with typed binds and columns, errors as values. Only
// src/store/sqlite/ includes sqlite3.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace mc::store::sqlite {

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

  // Advances to the next row. true: a row is ready; false: done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();
  void reset();

  std::int64_t int64(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
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
  Result<Statement> prepare(std::string_view sql);
  std::int64_t changes() const;
  std::string last_error() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
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

}  // namespace mc::store::sqlite
