#include "store/sqlite/write_queue.hpp"

#include "core/may_block.hpp"

namespace mc::store::sqlite {

WriteQueue::WriteQueue(std::unique_ptr<Database> db) : db_(std::move(db)), thread_([this] { loop(); }) {}

WriteQueue::~WriteQueue() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WriteQueue::submit(JobFn fn, DoneFn done) {
  {
    std::lock_guard lk(mu_);
    if (!stopping_) {
      pending_.push_back(Job{std::move(fn), std::move(done), {}});
      cv_.notify_one();
      return;
    }
  }
  done(Error::internal("the store is closing"));
}

Status WriteQueue::run(JobFn fn) {
  may_block();  // waits for a group commit
  struct Wait {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Status> result;
  };
  auto wait = std::make_shared<Wait>();
  submit(std::move(fn), [wait](Status st) {
    std::lock_guard lk(wait->mu);
    wait->result = std::move(st);
    wait->cv.notify_one();
  });
  std::unique_lock lk(wait->mu);
  wait->cv.wait(lk, [&] { return wait->result.has_value(); });
  return std::move(*wait->result);
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
    std::vector<Job> group;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, nothing left
      while (!pending_.empty() && group.size() < kMaxGroup) {
        group.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    run_group(group);
    {
      std::lock_guard lk(mu_);
      ++groups_;
      jobs_ += group.size();
    }
    for (auto& j : group) {
      try {
        j.done(std::move(j.result));
      } catch (...) {
        // A completion that throws must not take the writer down with it;
        // its job is committed either way.
      }
    }
  }
}

// Runs one cached statement: the savepoint statements run twice per job, and
// preparing them each time was a measurable part of the writer's time.
Status WriteQueue::step(std::string_view sql) {
  MC_TRY(auto st, db_->prepare(sql));
  return st.run();
}

void WriteQueue::run_group(std::vector<Job>& group) {
  Transaction tx(*db_);
  if (!tx.begun()) {
    for (auto& j : group) j.result = tx.begun().error();
    return;
  }
  for (auto& job : group) {
    auto* j = &job;
    // A savepoint per job: a job that fails takes back only its own writes
    // (including the inbox heads it bumped, so seqs stay gapless).
    if (auto st = step("SAVEPOINT job"); !st) {
      j->result = st.error();
      continue;
    }
    Status st;
    try {
      st = j->fn(*db_);
    } catch (const std::exception& e) {
      st = Error::internal(std::string("write job failed: ") + e.what());
    }
    if (!st) (void)step("ROLLBACK TO job");
    (void)step("RELEASE job");
    j->result = st;
    if (!db_->in_transaction()) {
      // Some errors (disk full, I/O error) make SQLite abort the whole
      // transaction, not just the statement: the jobs before this one were
      // rolled back too, and the ones after must not run outside any
      // transaction (each RELEASE would commit on its own). Fail them all.
      Error aborted = st ? Error::internal("the transaction was aborted") : st.error();
      for (auto& k : group) {
        if (k.result.ok() || &k == j) k.result = aborted;  // also those not run yet
      }
      return;
    }
  }
  if (auto st = tx.commit(); !st) {
    // Nothing of the group is durable: every job must hear so.
    for (auto& j : group) {
      if (j.result.ok()) j.result = st.error();
    }
  }
}

std::uint64_t WriteQueue::pending() const {
  std::lock_guard lk(mu_);
  return pending_.size();
}

}  // namespace mc::store::sqlite
