// Group commit. One thread owns the SQLite write connection; callers hand it
// write jobs and wait. The thread takes every job waiting at that moment,
// runs each inside its own SAVEPOINT in one transaction, commits once (one
// fsync for the whole group), and only then answers them all. A job that
// fails is rolled back to its savepoint alone; the others still commit.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/error.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace mc::store::sqlite {

class WriteQueue {
 public:
  static constexpr std::size_t kMaxGroup = 512;

  explicit WriteQueue(std::unique_ptr<Database> db);
  ~WriteQueue();  // finishes the jobs already queued, then stops
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Runs `job` in the next group; returns once that group is durable (or
  // failed). The job must not block: it runs on the writer thread.
  Status run(std::function<Status(Database&)> job);

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

 private:
  struct Job;
  void loop();
  void run_group(std::deque<Job*>& group);

  std::unique_ptr<Database> db_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job*> pending_;
  bool stopping_ = false;
  std::uint64_t groups_ = 0;
  std::uint64_t jobs_ = 0;
  std::thread thread_;
};

}  // namespace mc::store::sqlite
