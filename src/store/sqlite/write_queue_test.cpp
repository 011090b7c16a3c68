#include "store/sqlite/write_queue.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <thread>

#include "core/random.hpp"

namespace mc::store::sqlite {

namespace fs = std::filesystem;

class WriteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    path_ = fs::temp_directory_path() / ("wq-" + to_hex(random_bytes(6)) + ".db");
    auto db = Database::open(path_.string());
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("CREATE TABLE t (v INTEGER)"));
    queue_ = std::make_unique<WriteQueue>(std::move(*db));
  }
  void TearDown() override {
    queue_.reset();
    fs::remove(path_);
    fs::remove(path_.string() + "-wal");
    fs::remove(path_.string() + "-shm");
  }
  static std::function<Status(Database&)> insert(int v) {
    return [v](Database& db) { return db.exec("INSERT INTO t VALUES (" + std::to_string(v) + ")"); };
  }
  std::int64_t count() {
    auto db = Database::open(path_.string());
    auto st = (*db)->prepare("SELECT count(*) FROM t");
    (void)st->step();
    return st->int64(0);
  }
  fs::path path_;
  std::unique_ptr<WriteQueue> queue_;
};

TEST_F(WriteQueueTest, AFailingJobTakesBackOnlyItsOwnWrites) {
  ASSERT_TRUE(queue_->run(insert(1)));
  auto failing = queue_->run([](Database& db) -> Status {
    (void)db.exec("INSERT INTO t VALUES (2)");
    return Error::invalid_argument("nope", "refused after writing");
  });
  EXPECT_EQ(failing.error().code, "nope");
  ASSERT_TRUE(queue_->run(insert(3)));
  EXPECT_EQ(count(), 2);
}

// Some SQLite errors (disk full, I/O error) abort the whole transaction. A
// job that runs ROLLBACK itself stands in for them: every job of its group
// must then fail, none may commit on its own, and the queue must go on.
TEST_F(WriteQueueTest, AnAbortedTransactionFailsTheWholeGroupAndCommitsNothing) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  // Job 0 holds the writer until jobs 1-3 are queued, so that they form the next group.
  auto first = std::async(std::launch::async, [&] {
    return queue_->run([gate](Database& db) {
      gate.wait();
      return db.exec("INSERT INTO t VALUES (0)");
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // job 0 now blocks the writer
  auto a = std::async(std::launch::async, [&] { return queue_->run(insert(1)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto b = std::async(std::launch::async, [&] {
    return queue_->run([](Database& db) -> Status {
      (void)db.exec("ROLLBACK");
      return Error::internal("disk full");
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto c = std::async(std::launch::async, [&] { return queue_->run(insert(3)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release.set_value();
  ASSERT_TRUE(first.get());
  auto ra = a.get(), rb = b.get(), rc = c.get();
  EXPECT_FALSE(ra) << "job 1's writes went with the aborted transaction";
  EXPECT_FALSE(rb);
  EXPECT_FALSE(rc) << "job 3 must not run outside a transaction";
  EXPECT_EQ(count(), 1) << "only job 0, from the group before, is stored";
  ASSERT_TRUE(queue_->run(insert(4)));
  EXPECT_EQ(count(), 2);
}

// submit() answers on the writer thread once the group is durable: the row
// is visible from another connection when the completion runs, and a
// failing job's completion gets its error.
TEST_F(WriteQueueTest, SubmitCompletesAfterTheCommit) {
  std::promise<std::int64_t> seen;
  queue_->submit(insert(7), [&](Status st) {
    EXPECT_TRUE(st);
    seen.set_value(count());  // a separate connection: sees only committed rows
  });
  EXPECT_EQ(seen.get_future().get(), 1);

  std::promise<std::string> failed;
  queue_->submit([](Database&) -> Status { return Error::invalid_argument("nope", "refused"); },
                 [&](Status st) { failed.set_value(st ? "ok" : st.error().code); });
  EXPECT_EQ(failed.get_future().get(), "nope");
  EXPECT_EQ(count(), 1);
}

TEST_F(WriteQueueTest, SubmitForHandsOverTheJobsValue) {
  std::promise<std::int64_t> got;
  queue_->submit_for<std::int64_t>(
      [](Database& db) -> Result<std::int64_t> {
        MC_TRY_STATUS(db.exec("INSERT INTO t VALUES (5)"));
        return std::int64_t{5};
      },
      [&](Result<std::int64_t> r) { got.set_value(r ? *r : -1); });
  EXPECT_EQ(got.get_future().get(), 5);
}

}  // namespace mc::store::sqlite
