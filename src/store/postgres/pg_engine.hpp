// The PostgreSQL engine under every per-area store of the scale-out backend:
// a pool of connections, transactions retried on deadlock, a few writer
// threads for the writes that answer later (create_share_async), and the
// per-area migrations. Durability is PostgreSQL's (synchronous_commit on): a
// transaction that returned has been committed and flushed; concurrent
// commits share WAL flushes, so no group commit of our own is needed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/postgres/pg.hpp"

namespace mc::store::postgres {

using pg::Param;
using pg::Rows;

class PgEngine;

// A pooled connection, returned on destruction (or dropped if it broke).
class PgLease {
 public:
  PgLease(PgEngine& e, std::unique_ptr<pg::Connection> c) : e_(&e), c_(std::move(c)) {}
  PgLease(PgLease&& o) noexcept : e_(o.e_), c_(std::move(o.c_)) {}
  PgLease& operator=(PgLease&&) = delete;
  ~PgLease();
  pg::Connection& operator*() { return *c_; }
  pg::Connection* operator->() { return c_.get(); }

 private:
  PgEngine* e_;
  std::unique_ptr<pg::Connection> c_;
};

struct PgSchema {
  std::string_view area;
  std::vector<std::string_view> migrations;  // index i holds version i+1
};

class PgEngine {
 public:
  // Connects `connections` times to `url` and brings every area's schema up
  // to date (under an advisory lock, so that nodes starting together migrate
  // once). Errors: kUnavailable when PostgreSQL cannot be reached; kInternal
  // when the database is newer than this program.
  static Result<std::unique_ptr<PgEngine>> open(const std::string& url, const std::vector<const PgSchema*>& schemas,
                                                int connections = 8, int writers = 4);
  ~PgEngine();  // finishes the queued writes, then stops

  // Runs `fn` on a pooled connection outside a transaction (one statement
  // reads a consistent snapshot).
  template <class T>
  Result<T> read(const std::function<Result<T>(pg::Connection&)>& fn) {
    auto lease = acquire();
    if (!lease) return lease.error();
    return fn(**lease);
  }
  // Runs `fn` in a transaction; commits if it returns a value, rolls back if
  // it returns an error. A deadlock or serialization failure is retried.
  template <class T>
  Result<T> transact(const std::function<Result<T>(pg::Connection&)>& fn) {
    std::optional<T> out;
    auto st = transact_status([&](pg::Connection& c) -> Status {
      auto r = fn(c);
      if (!r) return std::move(r).error();
      out.emplace(std::move(r).value());
      return {};
    });
    if (!st) return std::move(st).error();
    return std::move(*out);
  }
  Status transact_status(const std::function<Status(pg::Connection&)>& fn);

  // Runs `job` on one of the engine's writer threads.
  void submit(std::function<void()> job);
  // Returns once every job submitted before has run.
  void flush();
  std::uint64_t commits() const { return commits_.load(); }
  std::uint64_t queued() const;

 private:
  friend class PgLease;
  PgEngine() = default;
  Result<PgLease> acquire();
  void writer_loop();

  std::string url_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<pg::Connection>> idle_;
  std::size_t open_ = 0;  // connections made and not dropped: at most max_
  std::size_t max_ = 0;

  mutable std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::deque<std::function<void()>> jobs_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> writers_;
  std::atomic<std::uint64_t> commits_{0};
};

}  // namespace mc::store::postgres
