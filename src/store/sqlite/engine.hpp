// The shared SQLite engine under every per-area store of the embedded
// backend: one database file, one writer thread with group commit
// (WriteQueue), a pool of reader connections, and a checkpointer thread.
// The area stores (account_store.cpp, catalog_store.cpp, ...) hold a
// reference to it and bring their own SQL and migrations (schema.hpp).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "sqlite/database.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/write_queue.hpp"

namespace mc::store::sqlite {

class Engine {
 public:
  // Opens or creates `path` and brings each area's schema up to date, in
  // the order given (an area may refer to the tables of one before it).
  static Result<std::unique_ptr<Engine>> open(const std::string& path, const std::vector<const AreaSchema*>& schemas,
                                              int readers = 4);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Borrows one reader connection for the length of a read. Calls
  // may_block() first: a read may wait for the disk and for a free
  // connection.
  class ReaderLease;
  ReaderLease reader();

  WriteQueue& writer() { return *writer_; }

  // Returns once every write submitted before the call has committed and its
  // completion has run: the server calls it at shutdown, before the threads
  // those completions post to go away.
  void flush_writes();
  // Group-commit statistics: how many transactions carried how many writes.
  std::uint64_t write_groups() const { return writer_->groups_committed(); }
  std::uint64_t write_jobs() const { return writer_->jobs_run(); }

 private:
  Engine() = default;
  // WAL checkpoints run here, not in the writer's commits: a checkpoint
  // copies pages into the database file and fsyncs it, and a commit that
  // had to do that would make every request of its group wait.
  void checkpoint_loop();

  std::unique_ptr<WriteQueue> writer_;
  std::unique_ptr<Database> checkpointer_db_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;
  std::thread checkpointer_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Database>> idle_readers_;
};

class Engine::ReaderLease {
 public:
  ReaderLease(Engine& e, std::unique_ptr<Database> db) : e_(e), db_(std::move(db)) {}
  ~ReaderLease();
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  Database& operator*() { return *db_; }
  Database* operator->() { return db_.get(); }

 private:
  Engine& e_;
  std::unique_ptr<Database> db_;
};

}  // namespace mc::store::sqlite
