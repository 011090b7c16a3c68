// Several msgcenterd nodes over one PostgreSQL: two backends on the same
// database, written from many threads at once, must still give each user
// gapless seqs and store each client_id once.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/postgres/pg.hpp"
#include "store/postgres/pg_backend.hpp"

namespace mc::store::postgres {
namespace {

class PgNodesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    const char* file = std::getenv("MSGC_TEST_POSTGRES");
    ASSERT_NE(file, nullptr) << "MSGC_TEST_POSTGRES is not set (run under ctest)";
    std::ifstream in(file);
    std::string url;
    ASSERT_TRUE(std::getline(in, url));
    std::string schema = "nodes_" + to_hex(random_bytes(6));
    auto admin = pg::Connection::open(url);
    ASSERT_TRUE(admin) << admin.error().message;
    ASSERT_TRUE((*admin)->exec("CREATE SCHEMA " + schema));
    url_ = url;
    std::string scoped = url + "?options=-csearch_path%3D" + schema;
    for (auto* node : {&a_, &b_}) {
      auto b = PgBackend::open(scoped, 8);
      ASSERT_TRUE(b) << b.error().message;
      *node = std::move(*b);
    }
    auto p = a_->accounts().create_user("studio", "h", Role::kProvider);
    ASSERT_TRUE(p);
    sender_ = *b_->accounts().create_user("alice", "h", Role::kUser);
    for (int i = 0; i < 5; ++i) {
      recipients_.push_back(a_->accounts().create_user("r" + std::to_string(i), "h", Role::kUser)->id);
    }
    ASSERT_TRUE(a_->catalog().put_blob(std::string(64, 'b'), 3));
    Resource r;
    r.id = "r_nodes";
    r.type = "novel";
    r.title = "t";
    r.sha256 = std::string(64, 'b');
    r.mime = "text/plain";
    r.filename = "t.txt";
    r.created_at = now_ms();
    ASSERT_TRUE(a_->catalog().create_resource(r, p->id));
  }

  NewShare share(std::vector<std::int64_t> to) {
    NewShare s;
    s.id = new_id("s_");
    s.sender_id = sender_.id;
    s.sender = "alice";
    s.resource_id = "r_nodes";
    s.recipient_ids = std::move(to);
    s.created_at = now_ms();
    return s;
  }

  std::int64_t deadlocks() {
    auto c = pg::Connection::open(url_);
    EXPECT_TRUE(c);
    auto rows = (*c)->query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    EXPECT_TRUE(rows);
    return rows->int64(0, 0);
  }

  std::string url_;
  std::unique_ptr<PgBackend> a_, b_;
  User sender_;
  std::vector<std::int64_t> recipients_;
};

TEST_F(PgNodesTest, TwoNodesWritingAtOnceGiveEachUserGaplessSeqs) {
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      PgBackend& node = t % 2 ? *a_ : *b_;
      for (int i = 0; i < kPerThread; ++i) {
        // Overlapping recipient sets in different orders: rows are locked in
        // id order, so these cannot deadlock each other for long.
        std::vector<std::int64_t> to = recipients_;
        if ((t + i) % 2) std::reverse(to.begin(), to.end());
        if (i % 3 == 0) to.resize(2);
        EXPECT_TRUE(node.delivery().create_share(share(to)));
      }
    });
  }
  for (auto& t : ts) t.join();
  for (auto uid : recipients_) {
    auto items = a_->delivery().list_inbox(uid, 0, 10000);
    ASSERT_TRUE(items);
    ASSERT_FALSE(items->empty());
    for (std::size_t i = 0; i < items->size(); ++i) {
      ASSERT_EQ((*items)[i].seq, static_cast<std::int64_t>(i + 1)) << "user " << uid << ": a gap or a duplicate";
    }
    EXPECT_EQ(*b_->delivery().inbox_head(uid), static_cast<std::int64_t>(items->size()));
  }
}

TEST_F(PgNodesTest, ARetryRacingOnTwoNodesIsStoredOnce) {
  constexpr int kThreads = 8;
  std::vector<std::thread> ts;
  std::vector<Result<ShareOutcome>> outcomes(kThreads, Error::internal("not run"));
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      PgBackend& node = t % 2 ? *a_ : *b_;
      NewShare s = share({recipients_[0]});  // a fresh server id each time, as each node makes one
      s.client_id = "same-send";
      s.fingerprint = "same meaning";
      outcomes[static_cast<std::size_t>(t)] = node.delivery().create_share(s);
    });
  }
  for (auto& t : ts) t.join();
  std::set<std::string> ids;
  int fresh = 0;
  for (auto& o : outcomes) {
    ASSERT_TRUE(o) << o.error().message;
    ids.insert(o->share.id);
    if (!o->replayed) ++fresh;
  }
  EXPECT_EQ(ids.size(), 1u) << "every retry answers with the first share";
  EXPECT_EQ(fresh, 1) << "exactly one of them stored it";
  EXPECT_EQ(*a_->delivery().inbox_head(recipients_[0]), 1);
}

// Sends that cross (A to B while B to A), include their sender, and
// receipts flowing back: the head locks must not deadlock with the key
// locks that inserts referencing users take.
TEST_F(PgNodesTest, CrossingSendsAndReceiptsDoNotDeadlock) {
  auto before = deadlocks();
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t) {
    ts.emplace_back([&, t] {
      PgBackend& node = t % 2 ? *a_ : *b_;
      std::int64_t me = recipients_[static_cast<std::size_t>(t % 2)];
      std::int64_t other = recipients_[static_cast<std::size_t>(1 - t % 2)];
      for (int i = 0; i < 20; ++i) {
        NewShare s = share({other, me});
        s.sender_id = me;  // r0 sends to r1 and back, each also to itself
        auto out = node.delivery().create_share(s);
        ASSERT_TRUE(out) << out.error().message;
        // The recipient opens it at once: a receipt goes back to the sender.
        for (const auto& d : out->deliveries) {
          if (d.user_id == other) {
            ASSERT_TRUE(node.delivery().mark_opened(other, d.item_id));
          }
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(deadlocks(), before) << "PostgreSQL detected deadlocks";
  for (auto uid : {recipients_[0], recipients_[1]}) {
    auto items = a_->delivery().list_inbox(uid, 0, 10000);
    ASSERT_TRUE(items);
    for (std::size_t i = 0; i < items->size(); ++i) ASSERT_EQ((*items)[i].seq, static_cast<std::int64_t>(i + 1));
  }
}

}  // namespace
}  // namespace mc::store::postgres
