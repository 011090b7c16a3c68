// The store conformance suite: what every storage backend must do, written
// against the interfaces of store/. Each backend instantiates it
// (store/sqlite/sqlite_conformance_test.cpp), so a second backend runs the
// very same tests unchanged.
#include "store/conformance/store_conformance.hpp"

#include <future>
#include <map>

#include "core/clock.hpp"
#include "core/may_block.hpp"
#include "core/random.hpp"

namespace mc::store::conformance {

TEST_P(StoreConformance, NetworkIdsAreUnique) {
  user("alice");
  auto again = accounts().create_user("alice", "h", Role::kUser);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "network_id_taken");
  EXPECT_EQ(again.error().kind, ErrorKind::kAlreadyExists);
}

TEST_P(StoreConformance, SessionsAreFoundByTokenHash) {
  auto u = user("alice");
  ASSERT_TRUE(accounts().create_session("hash-1", u.id, "d_1", now_ms() + 1000));
  auto s = accounts().find_session("hash-1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->user.network_id, "alice");
  EXPECT_EQ(s->device_id, "d_1");
  ASSERT_TRUE(accounts().delete_session("hash-1"));
  EXPECT_EQ(accounts().find_session("hash-1").error().code, "session_not_found");
}

TEST_P(StoreConformance, ResourcesPageInPublishingOrderAndFilterByType) {
  auto p = user("prov", Role::kProvider);
  for (int i = 0; i < 5; ++i) resource(p, i % 2 ? "music" : "novel", "t" + std::to_string(i));
  auto page = catalog().list_resources(std::nullopt, 0, 2);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->resources.size(), 2u);
  EXPECT_EQ(page->resources[0].title, "t0");
  ASSERT_TRUE(page->next_after);
  auto page2 = catalog().list_resources(std::nullopt, *page->next_after, 10);
  ASSERT_EQ(page2->resources.size(), 3u);
  EXPECT_EQ(page2->resources[0].title, "t2");
  EXPECT_FALSE(page2->next_after);
  auto music = catalog().list_resources(std::string("music"), 0, 10);
  ASSERT_EQ(music->resources.size(), 2u);
  EXPECT_EQ(music->resources[1].title, "t3");
  EXPECT_EQ(music->resources[0].tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(music->resources[0].publisher, "prov");
}

TEST_P(StoreConformance, ShareGivesEachRecipientTheNextGaplessSeq) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto r = resource(p, "novel", "book");
  for (int i = 0; i < 3; ++i) {
    NewShare s = make_share(new_id("s_"), alice.id, r.id, "n" + std::to_string(i), {bob.id});
    if (i == 1) s.recipient_ids.push_back(carol.id);
    ASSERT_TRUE(delivery().create_share(s));
  }
  auto bobs = delivery().list_inbox(bob.id, 0, 100);
  ASSERT_TRUE(bobs);
  ASSERT_EQ(bobs->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*bobs)[i].seq, i + 1);
    EXPECT_EQ((*bobs)[i].note, "n" + std::to_string(i));
    EXPECT_EQ((*bobs)[i].sender, "alice");
    EXPECT_EQ((*bobs)[i].resource.id, r.id);
  }
  auto carols = delivery().list_inbox(carol.id, 0, 100);
  ASSERT_EQ(carols->size(), 1u);
  EXPECT_EQ((*carols)[0].seq, 1);
  EXPECT_EQ(*delivery().inbox_head(bob.id), 3);
  EXPECT_EQ(delivery().list_inbox(bob.id, 2, 100)->size(), 1u);
}

TEST_P(StoreConformance, AShareToManyRecipientsGivesEachTheNextSeq) {
  auto p = user("prov", Role::kProvider);
  auto r = resource(p, "novel", "book");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 250; ++i)
    ids.push_back(user("u" + std::to_string(i) + "xx").id);  // two chunks of 100 and 50 singles
  // u0xx already has two items, so its next seq is 3; the others start at 1.
  ASSERT_TRUE(delivery().create_share(make_share("s_pre1", p.id, r.id, "", {ids[0]})));
  ASSERT_TRUE(delivery().create_share(make_share("s_pre2", p.id, r.id, "", {ids[0]})));
  auto out = delivery().create_share(make_share("s_many", p.id, r.id, "all", ids));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->deliveries.size(), 250u);
  for (const auto& d : out->deliveries) {
    EXPECT_EQ(d.seq, d.user_id == ids[0] ? 3 : 1);
    auto items = *delivery().list_inbox(d.user_id, 0, 10);
    ASSERT_EQ(items.back().id, d.item_id);
    EXPECT_EQ(items.back().seq, d.seq);
    EXPECT_EQ(*delivery().inbox_head(d.user_id), d.seq);
  }
  // A recipient that does not exist, in the middle of a chunk: nothing at all is stored.
  auto bad_ids = ids;
  bad_ids[150] = 999999;
  EXPECT_FALSE(delivery().create_share(make_share("s_bad", p.id, r.id, "", bad_ids)));
  EXPECT_EQ(*delivery().inbox_head(ids[0]), 3);
  EXPECT_EQ(*delivery().inbox_head(ids[199]), 1);
}

TEST_P(StoreConformance, AFailedShareStoresNothingAndLeavesNoGap) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  NewShare good = make_share("s_same", alice.id, r.id, "", {bob.id});
  ASSERT_TRUE(delivery().create_share(good));
  // Same share id again: the insert fails after nothing else was written.
  NewShare dup = make_share("s_same", alice.id, r.id, "", {bob.id});
  EXPECT_FALSE(delivery().create_share(dup));
  // A recipient that does not exist fails the item insert mid-transaction.
  NewShare bad = make_share("s_other", alice.id, r.id, "", {bob.id, 999999});
  EXPECT_FALSE(delivery().create_share(bad));
  EXPECT_EQ(*delivery().inbox_head(bob.id), 1);
  NewShare next = make_share("s_next", alice.id, r.id, "", {bob.id});
  ASSERT_TRUE(delivery().create_share(next));
  auto items = delivery().list_inbox(bob.id, 0, 100);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[1].seq, 2);
  EXPECT_EQ((*items)[1].share_id, "s_next");
}

TEST_P(StoreConformance, DataSurvivesReopening) {
  auto p = user("prov", Role::kProvider);
  auto bob = user("bob");
  auto r = resource(p, "novel", "book");
  ASSERT_TRUE(delivery().create_share(make_share("s_1", p.id, r.id, "keep", {bob.id})));
  reopen();
  auto items = delivery().list_inbox(bob.id, 0, 10);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].note, "keep");
}

TEST_P(StoreConformance, AReusedClientIdReplaysTheFirstShareAndStoresNothing) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  auto first = make_share("s_a", alice.id, r.id, "hi", {bob.id});
  first.client_id = "c-1";
  first.fingerprint = "fp";
  auto a = delivery().create_share(first);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->replayed);
  auto retry = first;
  retry.id = "s_b";  // a retry gets a fresh server id; the client_id ties it to the first
  auto b = delivery().create_share(retry);
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->replayed);
  EXPECT_EQ(b->share.id, "s_a");
  EXPECT_EQ(b->share.recipients, (std::vector<std::string>{"bob"}));
  EXPECT_EQ(*delivery().inbox_head(bob.id), 1);
  auto other = first;
  other.id = "s_c";
  other.fingerprint = "something else";
  auto c = delivery().create_share(other);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "client_id_reused");
  EXPECT_EQ(*delivery().inbox_head(bob.id), 1);
}

TEST_P(StoreConformance, AcksMoveEachDeviceCursorForwardOnlyAndMarkDelivery) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(delivery().create_share(make_share("s_" + std::to_string(i), alice.id, r.id, "", {bob.id})));
  EXPECT_EQ(*delivery().ack(bob.id, "phone", 2), 2);
  EXPECT_EQ(*delivery().ack(bob.id, "phone", 1), 2) << "an ack never moves a cursor back";
  EXPECT_EQ(*delivery().device_cursor(bob.id, "phone"), 2);
  EXPECT_EQ(*delivery().device_cursor(bob.id, "laptop"), 0) << "each device has its own cursor";
  EXPECT_EQ(delivery().ack(bob.id, "phone", 9).error().code, "ack_beyond_head");
  auto r0 = delivery().receipts("s_0");
  ASSERT_TRUE(r0);
  ASSERT_EQ(r0->size(), 1u);
  EXPECT_TRUE((*r0)[0].delivered_at.has_value());
  EXPECT_FALSE((*delivery().receipts("s_2"))[0].delivered_at.has_value());
}

TEST_P(StoreConformance, FirstOpenSendsTheSenderOneReceiptUnlessTurnedOff) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto r = resource(p, "novel", "book");
  ASSERT_TRUE(delivery().create_share(make_share("s_1", alice.id, r.id, "", {bob.id, carol.id})));
  auto bob_item = (*delivery().list_inbox(bob.id, 0, 10))[0];
  auto o1 = delivery().mark_opened(bob.id, bob_item.id);
  ASSERT_TRUE(o1);
  EXPECT_TRUE(o1->first_open);
  EXPECT_EQ(o1->notify_user, alice.id);
  EXPECT_FALSE(delivery().mark_opened(bob.id, bob_item.id)->first_open);
  auto alices = *delivery().list_inbox(alice.id, 0, 10);
  ASSERT_EQ(alices.size(), 1u);
  EXPECT_EQ(alices[0].kind, ItemKind::kReceipt);
  EXPECT_EQ(alices[0].sender, "bob");
  EXPECT_EQ(alices[0].share_id, "s_1");

  ASSERT_TRUE(accounts().set_send_receipts(carol.id, false));
  auto carol_item = (*delivery().list_inbox(carol.id, 0, 10))[0];
  EXPECT_FALSE(delivery().mark_opened(carol.id, carol_item.id)->notify_user.has_value());
  EXPECT_EQ(delivery().list_inbox(alice.id, 0, 10)->size(), 1u);
  auto receipts = *delivery().receipts("s_1");
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_EQ(receipts[0].network_id, "bob");
  EXPECT_TRUE(receipts[0].opened_at.has_value());
  EXPECT_TRUE(receipts[1].hidden);
  EXPECT_FALSE(receipts[1].opened_at.has_value());
  EXPECT_EQ(delivery().mark_opened(alice.id, bob_item.id).error().code, "item_not_found") << "only the owner opens";
}

TEST_P(StoreConformance, GroupsAreOwnedNamedMemberLists) {
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto g = groups().create_group(alice.id, "family", {bob.id});
  ASSERT_TRUE(g);
  EXPECT_EQ(groups().create_group(alice.id, "family", {}).error().code, "group_exists");
  ASSERT_TRUE(groups().create_group(bob.id, "family", {}));  // names are per owner
  auto added = groups().add_group_members(alice.id, "family", {carol.id, bob.id});
  ASSERT_TRUE(added);
  ASSERT_EQ(added->members.size(), 2u);
  EXPECT_EQ(added->members[1].network_id, "carol");
  auto removed = groups().remove_group_members(alice.id, "family", {bob.id});
  ASSERT_EQ(removed->members.size(), 1u);
  EXPECT_EQ(groups().list_groups(alice.id)->size(), 1u);
  EXPECT_EQ(groups().get_group(carol.id, "family").error().code, "group_not_found");
  ASSERT_TRUE(groups().delete_group(alice.id, "family"));
  EXPECT_EQ(groups().get_group(alice.id, "family").error().code, "group_not_found");
}

TEST_P(StoreConformance, HandlerKeysAndVersionsAreKeptAndSurviveAReopen) {
  auto provider = user("provider", Role::kProvider);
  std::string k1(32, 'a'), k2(32, 'b');
  ASSERT_TRUE(handlers().add_key(k1, std::string(64, '1')));
  EXPECT_EQ(handlers().add_key(k1, std::string(64, '2')).error().code, "handler_key_exists");
  ASSERT_TRUE(handlers().add_key(k2, std::string(64, '3')));
  HandlerVersion v;
  v.name = "novel-reader";
  v.version = "1.0.0";
  v.kinds = {"novel"};
  v.mimes = {"text/plain", "text/*"};
  v.entry = "main.lua";
  v.min_client = "0.1.0";
  v.description = "chapters and pages, \u4e2d\u6587 too";
  v.sha256 = std::string(64, 'c');
  v.size = 1234;
  v.key_id = k1;
  v.published_at = 42;
  auto added = handlers().add_version(v, provider.id);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->publisher, "provider");
  EXPECT_EQ(handlers().add_version(v, provider.id).error().code, "handler_version_exists");
  auto v2 = v;
  v2.version = "1.10.0";  // published after 1.0.0, listed after it whatever the text order
  v2.key_id = k2;
  ASSERT_TRUE(handlers().add_version(v2, provider.id));
  auto v3 = v;
  v3.name = "audio-info";
  v3.kinds = {};
  v3.mimes = {"audio/*"};
  ASSERT_TRUE(handlers().add_version(v3, provider.id));
  auto unknown_key = v;
  unknown_key.version = "2.0.0";
  unknown_key.key_id = std::string(32, 'f');
  EXPECT_FALSE(handlers().add_version(unknown_key, provider.id)) << "a version names a registered key";

  reopen();
  auto keys = handlers().list_keys();
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].public_key, std::string(64, '1'));
  auto got = handlers().get_version("novel-reader", "1.0.0");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->mimes, v.mimes);
  EXPECT_EQ(got->description, v.description);
  EXPECT_EQ(got->size, 1234);
  EXPECT_EQ(got->published_at, 42);
  EXPECT_EQ(got->key_id, k1);
  EXPECT_EQ(handlers().get_version("novel-reader", "9.9.9").error().code, "handler_not_found");
  auto all = handlers().list_versions();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].name, "audio-info");
  EXPECT_TRUE((*all)[0].kinds.empty());
  EXPECT_EQ((*all)[1].version, "1.0.0");
  EXPECT_EQ((*all)[2].version, "1.10.0");
}

TEST_P(StoreConformance, UserRefsNameKnownUsersAndSkipUnknownOnesCachedOrNot) {
  auto alice = user("alice"), bob = user("bob");
  for (int pass = 0; pass < 2; ++pass) {  // the second pass answers alice and bob from memory
    auto refs = accounts().find_user_refs({"alice", "nobody", "bob"});
    ASSERT_TRUE(refs);
    std::map<std::string, std::int64_t> got;
    for (const auto& r : *refs) got[r.network_id] = r.id;
    EXPECT_EQ(got, (std::map<std::string, std::int64_t>{{"alice", alice.id}, {"bob", bob.id}}));
  }
  auto carol = user("carol");  // created after the cache was filled
  auto refs = accounts().find_user_refs({"carol", "alice"});
  ASSERT_TRUE(refs);
  std::map<std::string, std::int64_t> got;
  for (const auto& r : *refs) got[r.network_id] = r.id;
  EXPECT_EQ(got, (std::map<std::string, std::int64_t>{{"alice", alice.id}, {"carol", carol.id}}));
}

TEST_P(StoreConformance, ACachedResourceReadsTheSameAsAStoredOne) {
  auto p = user("prov", Role::kProvider);
  auto r = resource(p, "novel", "book");
  auto first = catalog().get_resource(r.id), second = catalog().get_resource(r.id);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->title, "book");
  EXPECT_EQ(second->sha256, first->sha256);
  EXPECT_EQ(catalog().get_resource("r_missing").error().code, "resource_not_found");
}

// The share route runs first on an I/O thread where blocking is refused:
// what is in memory must answer there, and anything else must refuse
// before it touches the disk.
TEST_P(StoreConformance, InANoBlockingScopeOnlyWhatIsInMemoryAnswers) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice");
  auto r = resource(p, "novel", "book");
  ASSERT_TRUE(catalog().get_resource(r.id));
  ASSERT_TRUE(accounts().find_user_refs({"alice"}));
  NoBlockingScope no_blocking;
  EXPECT_TRUE(catalog().get_resource(r.id));
  auto refs = accounts().find_user_refs({"alice"});
  ASSERT_TRUE(refs);
  EXPECT_EQ(refs->front().id, alice.id);
  EXPECT_THROW((void)accounts().find_user_refs({"bob"}), WouldBlock);
  EXPECT_THROW((void)delivery().list_inbox(alice.id, 0, 10), WouldBlock);
  EXPECT_THROW((void)accounts().create_user("carol", "h", Role::kUser), WouldBlock);
}

TEST_P(StoreConformance, AnAsyncShareCompletesOnceDurableWithTheSameOutcome) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob");
  auto r = resource(p, "novel", "book");
  std::promise<Result<ShareOutcome>> done;
  delivery().create_share_async(make_share("s_async", alice.id, r.id, "later", {bob.id}),
                                [&](Result<ShareOutcome> out) { done.set_value(std::move(out)); });
  auto out = done.get_future().get();
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->replayed);
  ASSERT_EQ(out->deliveries.size(), 1u);
  EXPECT_EQ(out->deliveries[0].user_id, bob.id);
  EXPECT_EQ(out->deliveries[0].seq, 1);
  // Durable by the time the completion runs: a reopened store has it.
  reopen();
  auto items = delivery().list_inbox(bob.id, 0, 10);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].id, out->deliveries[0].item_id);
  EXPECT_EQ((*items)[0].note, "later");
}

TEST_P(StoreConformance, ASharesClientIdFindsItAndItsFingerprint) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto r = resource(p, "novel", "book");
  auto s = make_share("s_c", alice.id, r.id, "n", {carol.id, bob.id});
  s.client_id = "cid-1";
  s.fingerprint = "meaning";
  ASSERT_TRUE(delivery().create_share(s));
  auto found = delivery().find_by_client_id(alice.id, "cid-1");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->first.id, "s_c");
  EXPECT_EQ((*found)->first.recipients, (std::vector<std::string>{"bob", "carol"})) << "recipients in name order";
  EXPECT_EQ((*found)->second, "meaning");
  auto other_sender = delivery().find_by_client_id(bob.id, "cid-1");
  ASSERT_TRUE(other_sender);
  EXPECT_FALSE(other_sender->has_value()) << "client ids are per sender";
  EXPECT_EQ(delivery().get_share("s_missing").error().code, "share_not_found");
}

TEST_P(StoreConformance, AForwardKeepsItsChainAndParent) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto r = resource(p, "novel", "book");
  ASSERT_TRUE(delivery().create_share(make_share("s_orig", alice.id, r.id, "", {bob.id})));
  auto fwd = make_share("s_fwd", bob.id, r.id, "look", {carol.id});
  fwd.kind = ItemKind::kForward;
  fwd.parent_share_id = "s_orig";
  fwd.chain = {"alice"};
  ASSERT_TRUE(delivery().create_share(fwd));
  auto item = (*delivery().list_inbox(carol.id, 0, 10)).at(0);
  EXPECT_EQ(item.kind, ItemKind::kForward);
  EXPECT_EQ(item.sender, "bob");
  EXPECT_EQ(item.chain, (std::vector<std::string>{"alice"}));
  auto by_id = delivery().get_item(carol.id, item.id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->share_id, "s_fwd");
  EXPECT_EQ(delivery().get_item(bob.id, item.id).error().code, "item_not_found") << "items are their owner's";
  auto share = delivery().get_share("s_fwd");
  ASSERT_TRUE(share);
  EXPECT_EQ(share->kind, ItemKind::kForward);
  EXPECT_EQ(share->chain, (std::vector<std::string>{"alice"}));
}

}  // namespace mc::store::conformance
