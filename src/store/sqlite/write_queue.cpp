#include "store/sqlite/write_queue.hpp"

namespace mc::store::sqlite {

struct WriteQueue::Job {
  std::function<Status(Database&)> fn;
  Status result;
  bool done = false;
  std::condition_variable done_cv;
};

WriteQueue::WriteQueue(std::unique_ptr<Database> db) : db_(std::move(db)), thread_([this] { loop(); }) {}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status WriteQueue::run(std::function<Status(Database&)> fn) {
  Job job;
  job.fn = std::move(fn);
  std::unique_lock lk(mu_);
  if (stopping_) return Error::internal("the store is closing");
  pending_.push_back(&job);
  cv_.notify_all();
  job.done_cv.wait(lk, [&] { return job.done; });
  return job.result;
}

std::uint64_t WriteQueue::groups_committed() const {
  std::lock_guard lk(mu_);
  return groups_;
}

std::uint64_t WriteQueue::jobs_run() const {
  std::lock_guard lk(mu_);
  return jobs_;
}

void WriteQueue::loop() {
  for (;;) {
    std::deque<Job*> group;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, nothing left
      while (!pending_.empty() && group.size() < kMaxGroup) {
        group.push_back(pending_.front());
        pending_.pop_front();
      }
    }
    run_group(group);
    std::lock_guard lk(mu_);
    ++groups_;
    jobs_ += group.size();
    for (auto* j : group) {
      j->done = true;
      j->done_cv.notify_one();
    }
  }
}

void WriteQueue::run_group(std::deque<Job*>& group) {
  Transaction tx(*db_);
  if (!tx.begun()) {
    for (auto* j : group) j->result = tx.begun().error();
    return;
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    auto* j = group[i];
    // A savepoint per job: a job that fails takes back only its own writes
    // (including the inbox heads it bumped, so seqs stay gapless).
    if (auto st = db_->exec("SAVEPOINT job"); !st) {
      j->result = st.error();
      continue;
    }
    Status st;
    try {
      st = j->fn(*db_);
    } catch (const std::exception& e) {
      st = Error::internal(std::string("write job failed: ") + e.what());
    }
    if (!st) (void)db_->exec("ROLLBACK TO job");
    (void)db_->exec("RELEASE job");
    j->result = st;
    if (!db_->in_transaction()) {
      // Some errors (disk full, I/O error) make SQLite abort the whole
      // transaction, not just the statement: the jobs before this one were
      // rolled back too, and the ones after must not run outside any
      // transaction (each RELEASE would commit on its own). Fail them all.
      Error aborted = st ? Error::internal("the transaction was aborted") : st.error();
      for (auto* k : group) {
        if (k->result.ok() || k == j) k->result = aborted;  // also those not run yet
      }
      return;
    }
  }
  if (auto st = tx.commit(); !st) {
    // Nothing of the group is durable: every job must hear so.
    for (auto* j : group) {
      if (j->result.ok()) j->result = st.error();
    }
  }
}

}  // namespace mc::store::sqlite
