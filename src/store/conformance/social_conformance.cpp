// The social area's part of the store conformance suite (docs/protocol.md
// "People"): profiles, own identifiers and their codes, the matching
// directory, contacts, friend requests with their inbox items, blocks and
// who accepts shares, the same on every backend.
#include <algorithm>

#include "core/clock.hpp"
#include "store/conformance/store_conformance.hpp"

namespace mc::store::conformance {

namespace {

std::vector<std::string> names(const std::vector<Person>& people) {
  std::vector<std::string> out;
  for (const auto& p : people) out.push_back(p.network_id);
  return out;
}

using State = FriendRequestOutcome::State;

// A code sent and then given back right.
Status confirm(SocialStore& s, std::int64_t user, const std::string& kind, const std::string& value,
               const std::string& tag, std::int64_t at) {
  MC_TRY_STATUS(s.put_pending_code(user, PendingCode{kind, value, "hash-" + tag, now_ms() + 60000, 0}));
  return s.confirm_identifier(user, kind, value, "hash-" + tag, tag, at);
}

}  // namespace

TEST_P(StoreConformance, AProfileStartsPrivateAndAChangeTouchesOnlyWhatItNames) {
  auto a = user("ann");
  auto p = social().profile(a.id);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->findable_by_phone);
  EXPECT_FALSE(p->findable_by_email);
  EXPECT_EQ(p->who_may_share, Reach::kEveryone);
  ProfileChange c;
  c.display_name = "Ann Lee";
  c.region = "DE";
  c.findable_by_phone = true;
  c.who_may_share = Reach::kFriends;
  auto changed = social().change_profile(a.id, c);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(changed->display_name, "Ann Lee");
  EXPECT_EQ(changed->region, "DE");
  EXPECT_TRUE(changed->findable_by_phone);
  EXPECT_FALSE(changed->findable_by_email);
  ProfileChange only_request;
  only_request.who_may_request = Reach::kNobody;
  auto again = social().change_profile(a.id, only_request);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->display_name, "Ann Lee");
  EXPECT_EQ(again->who_may_share, Reach::kFriends);
  EXPECT_EQ(again->who_may_request, Reach::kNobody);
  reopen();
  EXPECT_EQ(social().profile(a.id)->who_may_request, Reach::kNobody);
}

TEST_P(StoreConformance, AnIdentifierCountsOnlyOnceConfirmedAndMovesToWhoeverProvesItLast) {
  auto a = user("ann");
  auto b = user("bob");
  ASSERT_TRUE(social().put_pending_code(a.id, PendingCode{"phone", "+4915123456789", "h1", now_ms() + 60000, 0}));
  auto ids = social().identifiers(a.id);
  ASSERT_TRUE(ids);
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_FALSE((*ids)[0].verified_at.has_value());
  // Each guess takes an attempt; after the fifth the code takes no more
  // guesses, and a right one then confirms nothing.
  for (int i = 1; i <= kMaxVerificationAttempts; ++i) {
    auto taken = social().take_verification_attempt(a.id);
    ASSERT_TRUE(taken);
    ASSERT_EQ(taken->size(), 1u);
    EXPECT_EQ(taken->front().attempts, i);
    EXPECT_EQ(taken->front().code_hash, "h1");
  }
  EXPECT_TRUE(social().take_verification_attempt(a.id)->empty());
  EXPECT_TRUE(social().identifiers(a.id)->empty());  // no longer shown as pending

  // A new code starts afresh; a right guess uses it up.
  ASSERT_TRUE(social().put_pending_code(a.id, PendingCode{"phone", "+4915123456789", "h2", now_ms() + 60000, 0}));
  ASSERT_EQ(social().take_verification_attempt(a.id)->size(), 1u);
  auto stale = social().confirm_identifier(a.id, "phone", "+4915123456789", "h1", "aa01", 1000);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, "invalid_code");
  ASSERT_TRUE(social().confirm_identifier(a.id, "phone", "+4915123456789", "h2", "aa01", 1000));
  EXPECT_EQ(social().confirm_identifier(a.id, "phone", "+4915123456789", "h2", "aa01", 1001).error().code,
            "invalid_code");
  ids = social().identifiers(a.id);
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].verified_at, 1000);
  EXPECT_TRUE(social().pending_codes(a.id)->empty());
  // Bob proves the same number later (it was given to him): it is his now.
  ASSERT_TRUE(confirm(social(), b.id, "phone", "+4915123456789", "aa01", 2000));
  EXPECT_TRUE(social().identifiers(a.id)->empty());
  EXPECT_EQ(social().identifiers(b.id)->size(), 1u);
  ASSERT_TRUE(social().remove_identifier(b.id, "phone"));
  auto gone = social().remove_identifier(b.id, "phone");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "identifier_not_found");
}

TEST_P(StoreConformance, TheDirectoryHoldsOnlyWhatItsOwnersLetBeFoundAndHidesBlockers) {
  auto a = user("ann");
  auto b = user("bob");
  auto c = user("cat");
  ASSERT_TRUE(confirm(social(), b.id, "phone", "+14155550132", "b0b0", 1));
  ASSERT_TRUE(confirm(social(), b.id, "email", "bob@example.org", "b0e0", 1));
  ASSERT_TRUE(confirm(social(), c.id, "email", "cat@example.org", "ca70", 1));
  // Nobody is findable by default.
  EXPECT_TRUE(social().directory_tags(a.id)->empty());
  EXPECT_TRUE(social().find_by_tags(a.id, {"b0b0", "b0e0", "ca70"})->empty());
  ProfileChange by_phone;
  by_phone.findable_by_phone = true;
  ASSERT_TRUE(social().change_profile(b.id, by_phone));
  ProfileChange by_email;
  by_email.findable_by_email = true;
  ASSERT_TRUE(social().change_profile(c.id, by_email));
  EXPECT_EQ(*social().directory_tags(a.id), (std::vector<std::string>{"b0b0", "ca70"}));
  auto found = social().find_by_tags(a.id, {"b0b0", "b0e0", "ca70", "ffff"});
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].person.network_id, "bob");
  EXPECT_EQ((*found)[0].tag, "b0b0");
  // No one finds themselves; a blocker cannot be found by whom they block.
  EXPECT_EQ(*social().directory_tags(b.id), (std::vector<std::string>{"ca70"}));
  ASSERT_TRUE(social().block(c.id, a.id, 5));
  EXPECT_EQ(*social().directory_tags(a.id), (std::vector<std::string>{"b0b0"}));
  EXPECT_EQ(social().find_by_tags(a.id, {"ca70"})->size(), 0u);
  EXPECT_EQ(social().find_by_tags(b.id, {"ca70"})->size(), 1u);
}

TEST_P(StoreConformance, AnImportReplacesTheContactsAndKeepsWhenEachWasFirstFound) {
  auto a = user("ann");
  auto b = user("bob");
  auto c = user("cat");
  auto d = user("dan");
  ASSERT_TRUE(social().replace_contacts(a.id, {b.id, c.id, a.id}));
  auto first = social().contacts(a.id);
  ASSERT_TRUE(first);
  EXPECT_EQ(names(*first), (std::vector<std::string>{"bob", "cat"}));  // never oneself
  ASSERT_TRUE(social().replace_contacts(a.id, {c.id, d.id}));
  auto second = social().contacts(a.id);
  EXPECT_EQ(names(*second), (std::vector<std::string>{"cat", "dan"}));
  EXPECT_EQ((*second)[0].since, (*first)[1].since);
  std::vector<std::int64_t> too_many(kMaxContacts + 1, b.id);
  auto refused = social().replace_contacts(a.id, too_many);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "too_many_contacts");
  EXPECT_EQ(names(*social().contacts(a.id)), (std::vector<std::string>{"cat", "dan"}));
}

TEST_P(StoreConformance, AFriendRequestLivesUntilAnsweredAndLeavesItemsInBothInboxes) {
  auto a = user("ann");
  auto b = user("bob");
  auto sent = social().send_friend_request(a.id, b.id, "hi, it's Ann", 100);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->state, State::kSent);
  ASSERT_TRUE(sent->delivery);
  EXPECT_EQ(sent->delivery->user_id, b.id);
  auto again = social().send_friend_request(a.id, b.id, "hello?", 101);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "request_pending");
  auto bobs = social().friend_requests(b.id);
  ASSERT_EQ(bobs->incoming.size(), 1u);
  EXPECT_EQ(bobs->incoming[0].from.network_id, "ann");
  EXPECT_EQ(bobs->incoming[0].message, "hi, it's Ann");
  EXPECT_EQ(social().friend_requests(a.id)->outgoing.size(), 1u);
  auto inbox = delivery().list_inbox(b.id, 0, 10);
  ASSERT_EQ(inbox->size(), 1u);
  EXPECT_EQ((*inbox)[0].kind, ItemKind::kFriendRequest);
  EXPECT_EQ((*inbox)[0].sender, "ann");
  EXPECT_EQ((*inbox)[0].note, "hi, it's Ann");
  EXPECT_TRUE((*inbox)[0].resource.id.empty());

  auto accepted = social().accept_friend_request(b.id, a.id, 200);
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(accepted->user_id, a.id);
  EXPECT_EQ(names(*social().friends(a.id)), std::vector<std::string>{"bob"});
  EXPECT_EQ(names(*social().friends(b.id)), std::vector<std::string>{"ann"});
  EXPECT_TRUE(social().friend_requests(b.id)->incoming.empty());
  auto anns = delivery().list_inbox(a.id, 0, 10);
  ASSERT_EQ(anns->size(), 1u);
  EXPECT_EQ((*anns)[0].kind, ItemKind::kFriendAccepted);
  EXPECT_EQ((*anns)[0].sender, "bob");
  auto twice = social().send_friend_request(b.id, a.id, "", 300);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, "already_friends");

  ASSERT_TRUE(social().remove_friend(b.id, a.id));
  EXPECT_TRUE(social().friends(a.id)->empty());
  EXPECT_EQ(social().remove_friend(b.id, a.id).error().code, "not_friends");
}

TEST_P(StoreConformance, AskingSomeoneWhoAskedYouIsAcceptingAndDeclineAndCancelDropSilently) {
  auto a = user("ann");
  auto b = user("bob");
  auto c = user("cat");
  // Ann takes no requests, but asks Bob herself: Bob asking back is accepting.
  ProfileChange nobody;
  nobody.who_may_request = Reach::kNobody;
  ASSERT_TRUE(social().change_profile(a.id, nobody));
  ASSERT_TRUE(social().send_friend_request(a.id, b.id, "", 1));
  auto back = social().send_friend_request(b.id, a.id, "", 2);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->state, State::kAccepted);
  EXPECT_EQ(back->delivery->user_id, a.id);
  EXPECT_EQ(names(*social().friends(a.id)), std::vector<std::string>{"bob"});

  ProfileChange everyone;
  everyone.who_may_request = Reach::kEveryone;
  ASSERT_TRUE(social().change_profile(a.id, everyone));
  ASSERT_TRUE(social().send_friend_request(c.id, a.id, "", 3));
  ASSERT_TRUE(social().drop_friend_request(c.id, a.id));  // a declines
  EXPECT_TRUE(social().friend_requests(a.id)->incoming.empty());
  EXPECT_TRUE(social().friend_requests(c.id)->outgoing.empty());
  EXPECT_EQ(social().drop_friend_request(c.id, a.id).error().code, "request_not_found");
  EXPECT_EQ(social().accept_friend_request(a.id, c.id, 4).error().code, "request_not_found");
}

TEST_P(StoreConformance, WhoMayRequestAndBlocksRefuseFriendRequestsWithoutStoringThem) {
  auto a = user("ann");
  auto b = user("bob");
  auto c = user("cat");
  ProfileChange contacts_only;
  contacts_only.who_may_request = Reach::kContacts;
  ASSERT_TRUE(social().change_profile(b.id, contacts_only));
  auto refused = social().send_friend_request(a.id, b.id, "", 1);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->state, State::kRefused);
  EXPECT_TRUE(social().friend_requests(b.id)->incoming.empty());
  EXPECT_EQ(*delivery().inbox_head(b.id), 0);
  ASSERT_TRUE(social().replace_contacts(b.id, {a.id}));  // Ann is in Bob's address book
  EXPECT_EQ(social().send_friend_request(a.id, b.id, "", 2)->state, State::kSent);

  // A block ends requests both ways and refuses new ones.
  ASSERT_TRUE(social().send_friend_request(c.id, a.id, "", 3));
  ASSERT_TRUE(social().block(a.id, c.id, 4));
  EXPECT_TRUE(social().friend_requests(a.id)->incoming.empty());
  EXPECT_EQ(social().send_friend_request(c.id, a.id, "", 5)->state, State::kRefused);
  // Nor can the blocker ask the one they block.
  EXPECT_EQ(social().send_friend_request(a.id, c.id, "", 5).error().code, "you_block_them");
  EXPECT_EQ(names(*social().blocked(a.id)), std::vector<std::string>{"cat"});
  ASSERT_TRUE(social().unblock(a.id, c.id));
  EXPECT_EQ(social().unblock(a.id, c.id).error().code, "not_blocked");
  EXPECT_EQ(social().send_friend_request(c.id, a.id, "", 6)->state, State::kSent);
}

TEST_P(StoreConformance, ASharesRecipientsAreFilteredByTheirPoliciesAndBlocksInItsTransaction) {
  auto p = user("prov", Role::kProvider);
  auto r = resource(p, "novel", "Dune");
  auto a = user("ann");
  auto everyone = user("eve");
  auto contacts = user("con");
  auto friends = user("fri");
  auto blocker = user("blo");
  ProfileChange c;
  c.who_may_share = Reach::kContacts;
  ASSERT_TRUE(social().change_profile(contacts.id, c));
  c.who_may_share = Reach::kFriends;
  ASSERT_TRUE(social().change_profile(friends.id, c));
  ASSERT_TRUE(social().block(blocker.id, a.id, 1));
  std::vector<std::int64_t> all = {everyone.id, contacts.id, friends.id, blocker.id};
  auto refusing = social().refusing_shares(a.id, all);
  ASSERT_TRUE(refusing);
  EXPECT_EQ(*refusing, (std::set<std::int64_t>{contacts.id, friends.id, blocker.id}));

  auto share = make_share("s_policy1", a.id, r.id, "", all);
  share.recipient_names = {"eve", "con", "fri", "blo"};
  auto out = delivery().create_share(share);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->share.recipients, std::vector<std::string>{"eve"});
  EXPECT_EQ(out->share.refused, (std::vector<std::string>{"blo", "con", "fri"}));
  EXPECT_EQ(out->deliveries.size(), 1u);
  auto stored = delivery().get_share("s_policy1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->refused, (std::vector<std::string>{"blo", "con", "fri"}));
  EXPECT_EQ(*delivery().inbox_head(friends.id), 0);

  // Contacts and friends open the doors their policies name.
  ASSERT_TRUE(social().replace_contacts(contacts.id, {a.id}));
  ASSERT_TRUE(social().send_friend_request(a.id, friends.id, "", 2));
  ASSERT_TRUE(social().accept_friend_request(friends.id, a.id, 3));
  EXPECT_EQ(*social().refusing_shares(a.id, all), (std::set<std::int64_t>{blocker.id}));

  // Nobody accepting: nothing is stored.
  auto none = make_share("s_policy2", a.id, r.id, "", {blocker.id});
  none.recipient_names = {"blo"};
  auto refused = delivery().create_share(none);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "not_accepted");
  EXPECT_FALSE(delivery().get_share("s_policy2"));
}

TEST_P(StoreConformance, TheMatchingKeyIsCreatedOnceAndReadTheSameAfterwards) {
  auto first = social().oprf_key("11");
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "11");
  EXPECT_EQ(*social().oprf_key("22"), "11");
  reopen();
  EXPECT_EQ(*social().oprf_key("33"), "11");
}

}  // namespace mc::store::conformance
