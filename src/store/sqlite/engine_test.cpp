// What only the embedded backend has: group commit, and the schema
// versions of its database file.
#include "store/sqlite/engine.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/sqlite/account_store.hpp"
#include "store/sqlite/catalog_store.hpp"
#include "store/sqlite/delivery_store.hpp"
#include "store/sqlite/group_store.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace mc::store::sqlite {
namespace {

namespace fs = std::filesystem;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir_ = fs::temp_directory_path() / ("engine-" + to_hex(random_bytes(6)));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path() const { return (dir_ / "msgcenter.db").string(); }

  static std::int64_t scalar(Database& db, const std::string& sql) {
    auto st = db.prepare(sql);
    EXPECT_TRUE(st);
    auto row = st->step();
    EXPECT_TRUE(row && *row) << sql;
    return st->int64(0);
  }

  fs::path dir_;
};

TEST_F(EngineTest, ConcurrentWritesShareCommits) {
  auto b = SqliteBackend::open(path());
  ASSERT_TRUE(b);
  auto& backend = **b;
  auto p = *backend.accounts().create_user("prov", "h", Role::kProvider);
  auto alice = *backend.accounts().create_user("alice", "h", Role::kUser);
  auto bob = *backend.accounts().create_user("bob", "h", Role::kUser);
  ASSERT_TRUE(backend.catalog().put_blob(std::string(64, 'a'), 1));
  Resource r;
  r.id = "r_1";
  r.type = "novel";
  r.title = "book";
  r.sha256 = std::string(64, 'a');
  r.mime = "text/plain";
  r.filename = "b.txt";
  ASSERT_TRUE(backend.catalog().create_resource(r, p.id));
  auto groups_before = backend.engine().write_groups(), jobs_before = backend.engine().write_jobs();
  std::vector<std::thread> senders;
  for (int t = 0; t < 16; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        NewShare s;
        s.id = "s_" + std::to_string(t) + "_" + std::to_string(i);
        s.sender_id = alice.id;
        s.resource_id = "r_1";
        s.recipient_ids = {bob.id};
        s.created_at = now_ms();
        EXPECT_TRUE(backend.delivery().create_share(s));
      }
    });
  }
  for (auto& t : senders) t.join();
  auto jobs = backend.engine().write_jobs() - jobs_before, groups = backend.engine().write_groups() - groups_before;
  EXPECT_EQ(jobs, 320u);
  EXPECT_LT(groups, jobs) << "16 concurrent writers must have shared some commits";
  auto items = *backend.delivery().list_inbox(bob.id, 0, 1000);
  ASSERT_EQ(items.size(), 320u);
  for (std::size_t i = 0; i < items.size(); ++i) EXPECT_EQ(items[i].seq, static_cast<std::int64_t>(i + 1));
}

// A database written before areas kept their own schema versions (one list,
// PRAGMA user_version 2) opens with its data and gets no table twice.
TEST_F(EngineTest, ADatabaseFromBeforePerAreaVersionsIsAdopted) {
  {
    auto db = Database::open(path());
    ASSERT_TRUE(db);
    // The old migration 1, then 2, as released: each area's statements.
    for (const auto* s : {&accounts_schema(), &catalog_schema(), &delivery_schema()}) {
      ASSERT_TRUE((*db)->exec(s->migrations[0]));
    }
    ASSERT_TRUE((*db)->exec(accounts_schema().migrations[1]));
    ASSERT_TRUE((*db)->exec(delivery_schema().migrations[1]));
    ASSERT_TRUE((*db)->exec(groups_schema().migrations[0]));
    ASSERT_TRUE((*db)->exec("PRAGMA user_version = 2"));
    ASSERT_TRUE(
        (*db)->exec("INSERT INTO users (network_id, password_hash, role, created_at) VALUES ('old', 'h', 'user', 1)"));
  }
  auto b = SqliteBackend::open(path());
  ASSERT_TRUE(b) << b.error().message;
  auto old = (*b)->accounts().find_user("old");
  ASSERT_TRUE(old);
  EXPECT_TRUE(old->send_receipts);
  ASSERT_TRUE((*b)->groups().create_group(old->id, "friends", {}));
  b->reset();
  auto db = Database::open(path());
  ASSERT_TRUE(db);
  // Adopted at the legacy versions, then brought up to date.
  EXPECT_EQ(scalar(**db, "SELECT version FROM schema_versions WHERE area = 'accounts'"),
            static_cast<std::int64_t>(accounts_schema().migrations.size()));
  EXPECT_EQ(scalar(**db, "SELECT version FROM schema_versions WHERE area = 'catalog'"),
            static_cast<std::int64_t>(catalog_schema().migrations.size()));
  EXPECT_EQ(scalar(**db, "SELECT version FROM schema_versions WHERE area = 'delivery'"),
            static_cast<std::int64_t>(delivery_schema().migrations.size()));
  EXPECT_EQ(scalar(**db, "SELECT version FROM schema_versions WHERE area = 'groups'"), 1);
}

TEST_F(EngineTest, ADatabaseNewerThanTheProgramIsRefused) {
  ASSERT_TRUE(SqliteBackend::open(path()));
  {
    auto db = Database::open(path());
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("UPDATE schema_versions SET version = 99 WHERE area = 'delivery'"));
  }
  auto b = SqliteBackend::open(path());
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().kind, ErrorKind::kInternal);
  EXPECT_NE(b.error().message.find("newer"), std::string::npos);
}

TEST_F(EngineTest, ADatabaseWithAnAreaThisProgramDoesNotKnowIsRefused) {
  ASSERT_TRUE(SqliteBackend::open(path()));
  {
    auto db = Database::open(path());
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("INSERT INTO schema_versions (area, version) VALUES ('pushes', 1)"));
  }
  auto b = SqliteBackend::open(path());
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("pushes"), std::string::npos);
}

}  // namespace
}  // namespace mc::store::sqlite
