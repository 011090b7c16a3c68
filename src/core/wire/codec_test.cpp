#include "core/wire/codec.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace mc::wire {
namespace {

namespace json = boost::json;

Resource book() {
  Resource r;
  r.id = "r_1";
  r.type = "novel";
  r.title = "The Quiet Harbour";
  r.tags = {"fiction", "sea"};
  r.sha256 = std::string(64, 'a');
  r.size = 1234;
  r.mime = "text/plain";
  r.filename = "harbour.txt";
  r.publisher = "studio";
  r.created_at = 1700000000000;
  r.updated_at = r.created_at;
  r.description = "A keeper's year.";
  r.attributes = R"({"chapters":[{"title":"One","offset":0}]})";
  return r;
}

TEST(CodecTest, AResourceRoundTripsInTheDocumentedFieldOrder) {
  auto j = to_json(book());
  EXPECT_EQ(
      json::serialize(j),
      R"({"id":"r_1","type":"novel","title":"The Quiet Harbour","tags":["fiction","sea"],"sha256":")" +
          std::string(64, 'a') +
          R"(","size":1234,"mime":"text/plain","filename":"harbour.txt","publisher":"studio","created_at":1700000000000,)"
          R"("description":"A keeper's year.","updated_at":1700000000000,"access":"public","shareable":true,)"
          R"("share_access_seconds":null,"attributes":{"chapters":[{"title":"One","offset":0}]},"gone":false})");
  auto back = from_json<Resource>(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->tags, book().tags);
  EXPECT_EQ(back->size, 1234);
  EXPECT_EQ(back->attributes, book().attributes);
  EXPECT_EQ(back->description, book().description);
  EXPECT_FALSE(back->share_access_seconds);
}

TEST(CodecTest, AResourceFromAnOlderServerGetsTheDefaults) {
  auto j = to_json(book());
  for (auto key : {"description", "updated_at", "access", "shareable", "share_access_seconds", "attributes", "gone"}) {
    j.erase(key);
  }
  auto back = from_json<Resource>(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->access, "public");
  EXPECT_TRUE(back->shareable);
  EXPECT_EQ(back->updated_at, back->created_at);
  EXPECT_EQ(back->attributes, "{}");
  EXPECT_FALSE(back->gone);
}

TEST(CodecTest, AForwardCarriesItsProvenanceAndReadsBackItsChain) {
  InboxItem it{"i_9", 4, ItemKind::kForward, "s_2", "bob", "look", 5, {"alice"}, book(), "", "", ""};
  auto j = to_json(it);
  EXPECT_EQ(j.at("provenance").at("original_sender").as_string(), "alice");
  EXPECT_EQ(j.at("provenance").at("chain").as_array().size(), 2u);
  auto back = from_json<InboxItem>(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->kind, ItemKind::kForward);
  EXPECT_EQ(back->chain, (std::vector<std::string>{"alice"}));
  EXPECT_EQ(back->resource.title, "The Quiet Harbour");
}

TEST(CodecTest, AReceiptSaysWhoOpened) {
  InboxItem it{"i_1", 1, ItemKind::kReceipt, "s_2", "carol", "", 5, {}, book(), "", "", ""};
  auto j = to_json(it);
  EXPECT_EQ(j.at("receipt").at("by").as_string(), "carol");
  EXPECT_FALSE(j.contains("provenance"));
}

TEST(CodecTest, AFriendRequestIsAnItemAboutAPersonWithNoResource) {
  InboxItem it{"i_2", 3, ItemKind::kFriendRequest, "", "ann", "hi, it's Ann", 5, {}, {}, "", "", ""};
  auto j = to_json(it);
  EXPECT_EQ(j.at("kind").as_string(), "friend_request");
  EXPECT_EQ(j.at("resource_id").as_string(), "");
  // What a client from before friend events reads: every field of a resource.
  auto as_old_client_reads = from_json<Resource>(j.at("resource"));
  ASSERT_TRUE(as_old_client_reads) << as_old_client_reads.error().message;
  auto back = from_json<InboxItem>(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->kind, ItemKind::kFriendRequest);
  EXPECT_EQ(back->sender, "ann");
  EXPECT_EQ(back->note, "hi, it's Ann");
  EXPECT_TRUE(back->resource.id.empty());
}

TEST(CodecTest, AShareReportsEachNamedRecipientDeliveredOrRefused) {
  Share s{"s_1", ItemKind::kShare, "r_1", "ann", {"bob"}, "", 5, {}, std::nullopt, {"cat"}};
  auto j = to_json(s);
  const auto& r = j.at("recipients").as_array();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].at("status").as_string(), "delivered");
  EXPECT_EQ(r[1].at("network_id").as_string(), "cat");
  EXPECT_EQ(r[1].at("status").as_string(), "refused");
  EXPECT_EQ(r[1].at("reason").as_string(), "not_accepted");
  auto back = from_json<Share>(j);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->refused, std::vector<std::string>{"cat"});
}

TEST(CodecTest, TheFanOutFrameIsTheSameBytesAsAFrameOfTheWholeItem) {
  InboxItem it{"i_7", 12, ItemKind::kShare, "s_3", "alice", "note \"quoted\"", 5, {}, book(), "", "", ""};
  std::string fast = item_frame(it.id, it.seq, item_shared_part(it));
  EXPECT_EQ(fast, item_frame(it));
  auto parsed = json::parse(fast);
  EXPECT_EQ(parsed.at("item"), json::value(to_json(it)));
}

TEST(CodecTest, FramesFromTheServerParse) {
  auto hello = parse_frame(hello_frame(Hello{"bob", "d_1", 3, 2}));
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->type, Frame::Type::kHello);
  EXPECT_EQ(hello->hello.cursor, 2);
  InboxItem it{"i_7", 12, ItemKind::kShare, "s_3", "alice", "", 5, {}, book(), "", "", ""};
  auto item = parse_frame(item_frame(it));
  ASSERT_TRUE(item);
  EXPECT_EQ(item->type, Frame::Type::kItem);
  EXPECT_EQ(item->item.seq, 12);
  EXPECT_EQ(json::parse(item->item_json), json::value(to_json(it)));
  auto acked = parse_frame(acked_frame(9));
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->cursor, 9);
  auto err = parse_frame(error_frame(Error::failed_precondition("ack_beyond_head", "too far")));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error.code, "ack_beyond_head");
  auto later = parse_frame(R"({"type":"typing","who":"x"})");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->type, Frame::Type::kOther) << "a frame type from a newer server is not an error";
}

TEST(CodecTest, AMalformedAnswerIsAnErrorNamingTheFieldNeverAThrow) {
  auto missing = from_json<Resource>(json::parse(R"({"id":"r_1"})"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "unexpected_answer");
  EXPECT_NE(missing.error().message.find("'type'"), std::string::npos);
  auto wrong_type = from_json<InboxPage>(json::parse(R"({"items":{},"head":1,"cursor":0})"));
  ASSERT_FALSE(wrong_type);
  EXPECT_NE(wrong_type.error().message.find("'items'"), std::string::npos);
  auto not_object = from_json<Group>(json::parse("[1,2]"));
  EXPECT_FALSE(not_object);
  auto bad_kind = from_json<Share>(
      json::parse(R"({"id":"s","kind":"telepathy","resource_id":"r","sender":"a","to":[],"note":"","created_at":1})"));
  ASSERT_FALSE(bad_kind);
  EXPECT_NE(bad_kind.error().message.find("telepathy"), std::string::npos);
  auto huge = from_json<Ack>(json::parse(R"({"cursor":18446744073709551615})"));
  EXPECT_FALSE(huge) << "a number past int64 is refused, not wrapped";
  EXPECT_FALSE(parse_frame("not json"));
}

TEST(CodecTest, WrappedAnswersAreReadUnderTheirKey) {
  auto v = json::parse(R"({"group":{"name":"family","members":["bob","carol"],"created_at":7}})");
  auto g = from_json<Group>(v, "group");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->members.size(), 2u);
  EXPECT_FALSE(from_json<Group>(v, "share"));
}

TEST(CodecTest, UserRolesAreEnums) {
  User u{"studio", Role::kProvider, 1, std::string("d_1"), Settings{false}};
  auto back = from_json<User>(to_json(u));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->role, Role::kProvider);
  ASSERT_TRUE(back->settings);
  EXPECT_FALSE(back->settings->send_receipts);
  auto bad = from_json<User>(json::parse(R"({"network_id":"x","role":"admin","created_at":1})"));
  EXPECT_FALSE(bad);
}

TEST(CodecTest, AnItemOfAKindFromANewerServerStillArrivesWithItsKind) {
  auto j = to_json(InboxItem{"i_1", 3, ItemKind::kShare, "s_1", "studio", "", 5, {}, book(), "", "", ""});
  j["kind"] = "poll";
  auto it = from_json<InboxItem>(j);
  ASSERT_TRUE(it) << it.error().message;
  EXPECT_EQ(it->kind, ItemKind::kOther);
  EXPECT_EQ(it->other_kind, "poll");
  EXPECT_EQ(it->seq, 3);
  EXPECT_EQ(to_json(*it).at("kind").as_string(), "poll") << "shown and stored under its own name";
  auto framed = parse_frame(item_frame(*it));
  ASSERT_TRUE(framed);
  EXPECT_EQ(framed->item.other_kind, "poll");
}

TEST(CodecTest, APushCarriesItsCampaignAndReason) {
  InboxItem it{"i_7", 9,  ItemKind::kPush, "", "studio", "new this week",
               5,     {}, book(),          "", "c_1",    "because you opened \"Dune\""};
  auto j = to_json(it);
  EXPECT_EQ(j.at("kind").as_string(), "push");
  EXPECT_EQ(j.at("push").at("campaign_id").as_string(), "c_1");
  auto back = from_json<InboxItem>(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->kind, ItemKind::kPush);
  EXPECT_EQ(back->campaign_id, "c_1");
  EXPECT_EQ(back->reason, "because you opened \"Dune\"");
  EXPECT_EQ(back->resource.id, it.resource.id);
}

}  // namespace
}  // namespace mc::wire
