// Group commit. One thread owns the SQLite write connection; callers hand it
// write jobs. The thread takes every job waiting at that moment, runs each
// inside its own SAVEPOINT in one transaction, commits once (one fsync for
// the whole group), and only then answers them all. A job that fails is
// rolled back to its savepoint alone; the others still commit.
//
// Callers either wait (run) or pass a completion (submit). The server uses
// submit: no thread sits blocked while its write waits for the group's
// fsync, and the answer goes straight from the writer to the connection.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "sqlite/database.hpp"

namespace mc::store::sqlite {

using mc::sqlite::Database;
using mc::sqlite::Statement;
using mc::sqlite::StatementLease;
using mc::sqlite::Transaction;

class WriteQueue {
 public:
  static constexpr std::size_t kMaxGroup = 512;

  explicit WriteQueue(std::unique_ptr<Database> db);
  ~WriteQueue();  // finishes the jobs already queued, then stops
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  using JobFn = std::function<Status(Database&)>;
  using DoneFn = std::function<void(Status)>;

  // Runs `job` in the next group and calls `done` with its outcome once that
  // group is durable (or failed). Both run on the writer thread: they must
  // not block, and `done` should be quick (it delays the next group).
  void submit(JobFn job, DoneFn done);

  // As submit(), for a job that produces a value.
  template <class T>
  void submit_for(std::function<Result<T>(Database&)> job, std::function<void(Result<T>)> done) {
    auto out = std::make_shared<std::optional<T>>();
    submit(
        [job = std::move(job), out](Database& db) -> Status {
          auto r = job(db);
          if (!r) return r.error();
          out->emplace(std::move(r.value()));
          return {};
        },
        [done = std::move(done), out](Status st) {
          if (!st) return done(st.error());
          done(std::move(**out));
        });
  }

  // Runs `job` in the next group; returns once that group is durable (or
  // failed). The job must not block: it runs on the writer thread.
  Status run(JobFn job);

  // As run(), for a job that produces a value.
  template <class T>
  Result<T> run_for(std::function<Result<T>(Database&)> job) {
    std::optional<T> out;
    auto st = run([&](Database& db) -> Status {
      auto r = job(db);
      if (!r) return r.error();
      out.emplace(std::move(r.value()));
      return {};
    });
    if (!st) return st.error();
    return std::move(*out);
  }

  // Groups committed and jobs run since start (for tests and benchmarks).
  std::uint64_t groups_committed() const;
  std::uint64_t jobs_run() const;
  std::uint64_t pending() const;  // jobs waiting for the next group

 private:
  struct Job {
    JobFn fn;
    DoneFn done;
    Status result;
  };
  void loop();
  void run_group(std::vector<Job>& group);
  Status step(std::string_view sql);

  std::unique_ptr<Database> db_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> pending_;
  bool stopping_ = false;
  std::uint64_t groups_ = 0;
  std::uint64_t jobs_ = 0;
  std::thread thread_;
};

}  // namespace mc::store::sqlite
