#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/clock.hpp"
#include "core/random.hpp"

namespace mc::store::sqlite {

namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir_ = fs::temp_directory_path() / ("store-" + to_hex(random_bytes(6)));
    fs::create_directories(dir_);
    reopen();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void reopen() {
    store_.reset();
    auto s = SqliteStore::open((dir_ / "db.sqlite").string());
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  User user(const std::string& name, const std::string& role = "user") {
    auto u = store_->create_user(name, "hash", role);
    EXPECT_TRUE(u);
    return *u;
  }
  Resource resource(const User& publisher, const std::string& type, const std::string& title) {
    std::string sha = to_hex(random_bytes(32));
    EXPECT_TRUE(store_->put_blob(sha, 42));
    Resource r;
    r.id = new_id("r_");
    r.type = type;
    r.title = title;
    r.tags = {"a", "b"};
    r.sha256 = sha;
    r.mime = "text/plain";
    r.filename = "f.txt";
    r.created_at = now_ms();
    auto created = store_->create_resource(r, publisher.id);
    EXPECT_TRUE(created);
    return *created;
  }
  fs::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, NetworkIdsAreUnique) {
  user("alice");
  auto again = store_->create_user("alice", "h", "user");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "network_id_taken");
  EXPECT_EQ(again.error().status, 409);
}

TEST_F(SqliteStoreTest, SessionsAreFoundByTokenHash) {
  auto u = user("alice");
  ASSERT_TRUE(store_->create_session("hash-1", u.id, "d_1", now_ms() + 1000));
  auto s = store_->find_session("hash-1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->user.network_id, "alice");
  EXPECT_EQ(s->device_id, "d_1");
  ASSERT_TRUE(store_->delete_session("hash-1"));
  EXPECT_EQ(store_->find_session("hash-1").error().code, "session_not_found");
}

TEST_F(SqliteStoreTest, ResourcesPageInPublishingOrderAndFilterByType) {
  auto p = user("prov", "provider");
  for (int i = 0; i < 5; ++i) resource(p, i % 2 ? "music" : "novel", "t" + std::to_string(i));
  auto page = store_->list_resources(std::nullopt, 0, 2);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->resources.size(), 2u);
  EXPECT_EQ(page->resources[0].title, "t0");
  ASSERT_TRUE(page->next_after);
  auto page2 = store_->list_resources(std::nullopt, *page->next_after, 10);
  ASSERT_EQ(page2->resources.size(), 3u);
  EXPECT_EQ(page2->resources[0].title, "t2");
  EXPECT_FALSE(page2->next_after);
  auto music = store_->list_resources(std::string("music"), 0, 10);
  ASSERT_EQ(music->resources.size(), 2u);
  EXPECT_EQ(music->resources[1].title, "t3");
  EXPECT_EQ(music->resources[0].tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(music->resources[0].publisher, "prov");
}

TEST_F(SqliteStoreTest, ShareGivesEachRecipientTheNextGaplessSeq) {
  auto p = user("prov", "provider");
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto r = resource(p, "novel", "book");
  for (int i = 0; i < 3; ++i) {
    NewShare s{new_id("s_"), alice.id, r.id, "n" + std::to_string(i), {bob.id}, now_ms()};
    if (i == 1) s.recipient_ids.push_back(carol.id);
    ASSERT_TRUE(store_->create_share(s));
  }
  auto bobs = store_->list_inbox(bob.id, 0, 100);
  ASSERT_TRUE(bobs);
  ASSERT_EQ(bobs->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*bobs)[i].seq, i + 1);
    EXPECT_EQ((*bobs)[i].note, "n" + std::to_string(i));
    EXPECT_EQ((*bobs)[i].sender, "alice");
    EXPECT_EQ((*bobs)[i].resource.id, r.id);
  }
  auto carols = store_->list_inbox(carol.id, 0, 100);
  ASSERT_EQ(carols->size(), 1u);
  EXPECT_EQ((*carols)[0].seq, 1);
  EXPECT_EQ(*store_->inbox_head(bob.id), 3);
  EXPECT_EQ(store_->list_inbox(bob.id, 2, 100)->size(), 1u);
}

TEST_F(SqliteStoreTest, AFailedShareStoresNothingAndLeavesNoGap) {
  auto p = user("prov", "provider");
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  NewShare good{"s_same", alice.id, r.id, "", {bob.id}, now_ms()};
  ASSERT_TRUE(store_->create_share(good));
  // Same share id again: the insert fails after nothing else was written.
  NewShare dup{"s_same", alice.id, r.id, "", {bob.id}, now_ms()};
  EXPECT_FALSE(store_->create_share(dup));
  // A recipient that does not exist fails the item insert mid-transaction.
  NewShare bad{"s_other", alice.id, r.id, "", {bob.id, 999999}, now_ms()};
  EXPECT_FALSE(store_->create_share(bad));
  EXPECT_EQ(*store_->inbox_head(bob.id), 1);
  NewShare next{"s_next", alice.id, r.id, "", {bob.id}, now_ms()};
  ASSERT_TRUE(store_->create_share(next));
  auto items = store_->list_inbox(bob.id, 0, 100);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[1].seq, 2);
  EXPECT_EQ((*items)[1].share_id, "s_next");
}

TEST_F(SqliteStoreTest, DataSurvivesReopening) {
  auto p = user("prov", "provider");
  auto bob = user("bob");
  auto r = resource(p, "novel", "book");
  ASSERT_TRUE(store_->create_share({"s_1", p.id, r.id, "keep", {bob.id}, now_ms()}));
  reopen();
  auto items = store_->list_inbox(bob.id, 0, 10);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].note, "keep");
}

}  // namespace mc::store::sqlite
