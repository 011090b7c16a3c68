#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <thread>

#include "core/clock.hpp"
#include "core/may_block.hpp"
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
  static NewShare make_share(std::string id, std::int64_t sender, const std::string& resource, std::string note,
                             std::vector<std::int64_t> to) {
    NewShare s;
    s.id = std::move(id);
    s.sender_id = sender;
    s.resource_id = resource;
    s.note = std::move(note);
    s.recipient_ids = std::move(to);
    s.created_at = now_ms();
    return s;
  }
  fs::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, NetworkIdsAreUnique) {
  user("alice");
  auto again = store_->create_user("alice", "h", "user");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "network_id_taken");
  EXPECT_EQ(again.error().kind, ErrorKind::kAlreadyExists);
  EXPECT_EQ(again.error().code, "network_id_taken");
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
    NewShare s = make_share(new_id("s_"), alice.id, r.id, "n" + std::to_string(i), {bob.id});
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

TEST_F(SqliteStoreTest, AShareToManyRecipientsGivesEachTheNextSeq) {
  auto p = user("prov", "provider");
  auto r = resource(p, "novel", "book");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 250; ++i) ids.push_back(user("u" + std::to_string(i) + "xx").id);  // two chunks of 100 and 50 singles
  // u0xx already has two items, so its next seq is 3; the others start at 1.
  ASSERT_TRUE(store_->create_share(make_share("s_pre1", p.id, r.id, "", {ids[0]})));
  ASSERT_TRUE(store_->create_share(make_share("s_pre2", p.id, r.id, "", {ids[0]})));
  auto out = store_->create_share(make_share("s_many", p.id, r.id, "all", ids));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->deliveries.size(), 250u);
  for (const auto& d : out->deliveries) {
    EXPECT_EQ(d.seq, d.user_id == ids[0] ? 3 : 1);
    auto items = *store_->list_inbox(d.user_id, 0, 10);
    ASSERT_EQ(items.back().id, d.item_id);
    EXPECT_EQ(items.back().seq, d.seq);
    EXPECT_EQ(*store_->inbox_head(d.user_id), d.seq);
  }
  // A recipient that does not exist, in the middle of a chunk: nothing at all is stored.
  auto bad_ids = ids;
  bad_ids[150] = 999999;
  EXPECT_FALSE(store_->create_share(make_share("s_bad", p.id, r.id, "", bad_ids)));
  EXPECT_EQ(*store_->inbox_head(ids[0]), 3);
  EXPECT_EQ(*store_->inbox_head(ids[199]), 1);
}

TEST_F(SqliteStoreTest, AFailedShareStoresNothingAndLeavesNoGap) {
  auto p = user("prov", "provider");
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  NewShare good = make_share("s_same", alice.id, r.id, "", {bob.id});
  ASSERT_TRUE(store_->create_share(good));
  // Same share id again: the insert fails after nothing else was written.
  NewShare dup = make_share("s_same", alice.id, r.id, "", {bob.id});
  EXPECT_FALSE(store_->create_share(dup));
  // A recipient that does not exist fails the item insert mid-transaction.
  NewShare bad = make_share("s_other", alice.id, r.id, "", {bob.id, 999999});
  EXPECT_FALSE(store_->create_share(bad));
  EXPECT_EQ(*store_->inbox_head(bob.id), 1);
  NewShare next = make_share("s_next", alice.id, r.id, "", {bob.id});
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
  ASSERT_TRUE(store_->create_share(make_share("s_1", p.id, r.id, "keep", {bob.id})));
  reopen();
  auto items = store_->list_inbox(bob.id, 0, 10);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].note, "keep");
}

TEST_F(SqliteStoreTest, AReusedClientIdReplaysTheFirstShareAndStoresNothing) {
  auto p = user("prov", "provider");
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  auto first = make_share("s_a", alice.id, r.id, "hi", {bob.id});
  first.client_id = "c-1";
  first.fingerprint = "fp";
  auto a = store_->create_share(first);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->replayed);
  auto retry = first;
  retry.id = "s_b";  // a retry gets a fresh server id; the client_id ties it to the first
  auto b = store_->create_share(retry);
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->replayed);
  EXPECT_EQ(b->share.id, "s_a");
  EXPECT_EQ(b->share.recipients, (std::vector<std::string>{"bob"}));
  EXPECT_EQ(*store_->inbox_head(bob.id), 1);
  auto other = first;
  other.id = "s_c";
  other.fingerprint = "something else";
  auto c = store_->create_share(other);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "client_id_reused");
  EXPECT_EQ(*store_->inbox_head(bob.id), 1);
}

TEST_F(SqliteStoreTest, AcksMoveEachDeviceCursorForwardOnlyAndMarkDelivery) {
  auto p = user("prov", "provider");
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->create_share(make_share("s_" + std::to_string(i), alice.id, r.id, "", {bob.id})));
  EXPECT_EQ(*store_->ack(bob.id, "phone", 2), 2);
  EXPECT_EQ(*store_->ack(bob.id, "phone", 1), 2) << "an ack never moves a cursor back";
  EXPECT_EQ(*store_->device_cursor(bob.id, "phone"), 2);
  EXPECT_EQ(*store_->device_cursor(bob.id, "laptop"), 0) << "each device has its own cursor";
  EXPECT_EQ(store_->ack(bob.id, "phone", 9).error().code, "ack_beyond_head");
  auto r0 = store_->receipts("s_0");
  ASSERT_TRUE(r0);
  ASSERT_EQ(r0->size(), 1u);
  EXPECT_TRUE((*r0)[0].delivered_at.has_value());
  EXPECT_FALSE((*store_->receipts("s_2"))[0].delivered_at.has_value());
}

TEST_F(SqliteStoreTest, FirstOpenSendsTheSenderOneReceiptUnlessTurnedOff) {
  auto p = user("prov", "provider");
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto r = resource(p, "novel", "book");
  ASSERT_TRUE(store_->create_share(make_share("s_1", alice.id, r.id, "", {bob.id, carol.id})));
  auto bob_item = (*store_->list_inbox(bob.id, 0, 10))[0];
  auto o1 = store_->mark_opened(bob.id, bob_item.id);
  ASSERT_TRUE(o1);
  EXPECT_TRUE(o1->first_open);
  EXPECT_EQ(o1->notify_user, alice.id);
  EXPECT_FALSE(store_->mark_opened(bob.id, bob_item.id)->first_open);
  auto alices = *store_->list_inbox(alice.id, 0, 10);
  ASSERT_EQ(alices.size(), 1u);
  EXPECT_EQ(alices[0].kind, "receipt");
  EXPECT_EQ(alices[0].sender, "bob");
  EXPECT_EQ(alices[0].share_id, "s_1");

  ASSERT_TRUE(store_->set_send_receipts(carol.id, false));
  auto carol_item = (*store_->list_inbox(carol.id, 0, 10))[0];
  EXPECT_FALSE(store_->mark_opened(carol.id, carol_item.id)->notify_user.has_value());
  EXPECT_EQ(store_->list_inbox(alice.id, 0, 10)->size(), 1u);
  auto receipts = *store_->receipts("s_1");
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_EQ(receipts[0].network_id, "bob");
  EXPECT_TRUE(receipts[0].opened_at.has_value());
  EXPECT_TRUE(receipts[1].hidden);
  EXPECT_FALSE(receipts[1].opened_at.has_value());
  EXPECT_EQ(store_->mark_opened(alice.id, bob_item.id).error().code, "item_not_found") << "only the owner opens";
}

TEST_F(SqliteStoreTest, GroupsAreOwnedNamedMemberLists) {
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto g = store_->create_group(alice.id, "family", {bob.id});
  ASSERT_TRUE(g);
  EXPECT_EQ(store_->create_group(alice.id, "family", {}).error().code, "group_exists");
  ASSERT_TRUE(store_->create_group(bob.id, "family", {}));  // names are per owner
  auto added = store_->add_group_members(alice.id, "family", {carol.id, bob.id});
  ASSERT_TRUE(added);
  ASSERT_EQ(added->members.size(), 2u);
  EXPECT_EQ(added->members[1].network_id, "carol");
  auto removed = store_->remove_group_members(alice.id, "family", {bob.id});
  ASSERT_EQ(removed->members.size(), 1u);
  EXPECT_EQ(store_->list_groups(alice.id)->size(), 1u);
  EXPECT_EQ(store_->get_group(carol.id, "family").error().code, "group_not_found");
  ASSERT_TRUE(store_->delete_group(alice.id, "family"));
  EXPECT_EQ(store_->get_group(alice.id, "family").error().code, "group_not_found");
}

TEST_F(SqliteStoreTest, ConcurrentWritesShareCommits) {
  auto p = user("prov", "provider");
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  auto groups_before = store_->write_groups(), jobs_before = store_->write_jobs();
  std::vector<std::thread> senders;
  for (int t = 0; t < 16; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto s = make_share("s_" + std::to_string(t) + "_" + std::to_string(i), alice.id, r.id, "", {bob.id});
        EXPECT_TRUE(store_->create_share(s));
      }
    });
  }
  for (auto& t : senders) t.join();
  auto jobs = store_->write_jobs() - jobs_before, groups = store_->write_groups() - groups_before;
  EXPECT_EQ(jobs, 320u);
  EXPECT_LT(groups, jobs) << "16 concurrent writers must have shared some commits";
  auto items = *store_->list_inbox(bob.id, 0, 1000);
  ASSERT_EQ(items.size(), 320u);
  for (std::size_t i = 0; i < items.size(); ++i) EXPECT_EQ(items[i].seq, static_cast<std::int64_t>(i + 1));
}

TEST_F(SqliteStoreTest, UserRefsNameKnownUsersAndSkipUnknownOnesCachedOrNot) {
  auto alice = user("alice"), bob = user("bob");
  for (int pass = 0; pass < 2; ++pass) {  // the second pass answers alice and bob from memory
    auto refs = store_->find_user_refs({"alice", "nobody", "bob"});
    ASSERT_TRUE(refs);
    std::map<std::string, std::int64_t> got;
    for (const auto& r : *refs) got[r.network_id] = r.id;
    EXPECT_EQ(got, (std::map<std::string, std::int64_t>{{"alice", alice.id}, {"bob", bob.id}}));
  }
  auto carol = user("carol");  // created after the cache was filled
  auto refs = store_->find_user_refs({"carol", "alice"});
  ASSERT_TRUE(refs);
  std::map<std::string, std::int64_t> got;
  for (const auto& r : *refs) got[r.network_id] = r.id;
  EXPECT_EQ(got, (std::map<std::string, std::int64_t>{{"alice", alice.id}, {"carol", carol.id}}));
}

TEST_F(SqliteStoreTest, ACachedResourceReadsTheSameAsAStoredOne) {
  auto p = user("prov", "provider");
  auto r = resource(p, "novel", "book");
  auto first = store_->get_resource(r.id), second = store_->get_resource(r.id);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->title, "book");
  EXPECT_EQ(second->sha256, first->sha256);
  EXPECT_EQ(store_->get_resource("r_missing").error().code, "resource_not_found");
}

// The share route runs first on an I/O thread where blocking is refused:
// what is in memory must answer there, and anything else must refuse
// before it touches the disk.
TEST_F(SqliteStoreTest, InANoBlockingScopeOnlyWhatIsInMemoryAnswers) {
  auto p = user("prov", "provider");
  auto alice = user("alice");
  auto r = resource(p, "novel", "book");
  ASSERT_TRUE(store_->get_resource(r.id));
  ASSERT_TRUE(store_->find_user_refs({"alice"}));
  NoBlockingScope no_blocking;
  EXPECT_TRUE(store_->get_resource(r.id));
  auto refs = store_->find_user_refs({"alice"});
  ASSERT_TRUE(refs);
  EXPECT_EQ(refs->front().id, alice.id);
  EXPECT_THROW((void)store_->find_user_refs({"bob"}), WouldBlock);
  EXPECT_THROW((void)store_->list_inbox(alice.id, 0, 10), WouldBlock);
  EXPECT_THROW((void)store_->create_user("carol", "h", "user"), WouldBlock);
}

}  // namespace mc::store::sqlite
