// The catalog's part of the store conformance suite (docs/catalog.md): the
// resource model, search in English and Chinese, grants, revoked shares,
// ranked-page snapshots, secrets, popularity and blob collection, the same
// on every backend.
#include <algorithm>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/search/search_text.hpp"
#include "store/conformance/store_conformance.hpp"

namespace mc::store::conformance {

namespace {

std::vector<std::string> titles(const std::vector<Resource>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.title);
  return out;
}

ResourceQuery search_for(const std::string& q, ResourceSort sort = ResourceSort::kNew) {
  ResourceQuery query;
  auto parsed = search::parse_query(q);
  EXPECT_TRUE(parsed) << q;
  if (parsed) query.terms = parsed->terms;
  query.sort = sort;
  return query;
}

}  // namespace

TEST_P(StoreConformance, AResourceKeepsItsModelAndAPatchChangesOnlyWhatItNames) {
  auto p = user("prov", Role::kProvider);
  auto r = resource(p, "product", "Kettle");
  EXPECT_EQ(r.access, "public");
  EXPECT_TRUE(r.shareable);
  EXPECT_EQ(r.attributes, "{}");
  EXPECT_EQ(r.updated_at, r.created_at);
  ResourceChange c;
  c.description = "Boils water, quietly.";
  c.access = "restricted";
  c.shareable = false;
  c.share_access_seconds = std::optional<std::int64_t>(3600);
  c.attributes = R"({"price":1999,"currency":"EUR"})";
  c.updated_at = r.created_at + 5;
  auto changed = catalog().update_resource(r.id, c);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(changed->title, "Kettle");
  EXPECT_EQ(changed->description, "Boils water, quietly.");
  EXPECT_EQ(changed->access, "restricted");
  EXPECT_FALSE(changed->shareable);
  EXPECT_EQ(changed->share_access_seconds, 3600);
  EXPECT_EQ(changed->attributes, R"({"price":1999,"currency":"EUR"})");
  EXPECT_EQ(changed->updated_at, r.created_at + 5);
  ResourceChange unlimited;
  unlimited.share_access_seconds = std::optional<std::int64_t>{};
  unlimited.updated_at = r.created_at + 6;
  auto again = catalog().update_resource(r.id, unlimited);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->share_access_seconds);
  EXPECT_EQ(again->access, "restricted");
  EXPECT_EQ(catalog().update_resource("r_missing", c).error().code, "resource_not_found");
  reopen();
  EXPECT_EQ(catalog().get_resource(r.id)->description, "Boils water, quietly.");
}

TEST_P(StoreConformance, ABatchOfResourcesIsStoredWholeOrNotAtAll) {
  auto p = user("prov", Role::kProvider);
  std::string sha = to_hex(random_bytes(32));
  ASSERT_TRUE(catalog().put_blob(sha, 10));
  std::vector<Resource> batch;
  for (int i = 0; i < 3; ++i) {
    Resource r;
    r.id = new_id("r_");
    r.type = "novel";
    r.title = "Batch " + std::to_string(i);
    r.tags = {"batch"};
    r.sha256 = sha;
    r.mime = "text/plain";
    r.filename = "b.txt";
    r.created_at = now_ms();
    batch.push_back(r);
  }
  ASSERT_TRUE(catalog().create_resources(batch, p.id));
  EXPECT_EQ(titles(catalog().query_new(search_for("batch"))->resources).size(), 3u);
  auto dup = batch;
  dup[0].id = new_id("r_");
  dup[1].title = "Not stored";  // dup[1] repeats an id: the whole batch fails
  EXPECT_FALSE(catalog().create_resources(dup, p.id));
  EXPECT_EQ(*catalog().count_resources(), 3);
  EXPECT_TRUE(catalog().query_new(search_for("stored"))->resources.empty());
}

TEST_P(StoreConformance, AnUnpublishedResourceLeavesListingsAndSearchButStaysReadable) {
  auto p = user("prov", Role::kProvider);
  auto keep = resource(p, "novel", "Harbour lights");
  auto drop = resource(p, "novel", "Harbour fog");
  auto gone = catalog().unpublish_resource(drop.id, now_ms());
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->gone);
  EXPECT_TRUE(catalog().get_resource(drop.id)->gone);
  EXPECT_EQ(titles(catalog().list_resources(std::nullopt, 0, 10)->resources),
            (std::vector<std::string>{"Harbour lights"}));
  EXPECT_EQ(titles(catalog().query_new(search_for("harbour"))->resources),
            (std::vector<std::string>{"Harbour lights"}));
  EXPECT_EQ(*catalog().count_resources(), 1);
  EXPECT_EQ(catalog().resources_by_ids({drop.id, keep.id})->size(), 1u);
  EXPECT_EQ(catalog().unpublish_resource("r_missing", 1).error().code, "resource_not_found");
}

TEST_P(StoreConformance, SearchFindsWordsAndAnyTwoConsecutiveChineseCharacters) {
  auto p = user("prov", Role::kProvider);
  resource(p, "novel", "三体：地球往事");
  resource(p, "novel", "The Three-Body Problem");
  auto py = resource(p, "file", "Python编程入门");
  ResourceChange c;
  c.description = "A first book on programming";
  c.tags = std::vector<std::string>{"教程", "python"};
  c.updated_at = now_ms();
  ASSERT_TRUE(catalog().update_resource(py.id, c));
  for (auto [q, want] : std::vector<std::pair<std::string, std::string>>{{"地球", "三体：地球往事"},
                                                                         {"往事", "三体：地球往事"},
                                                                         {"三体", "三体：地球往事"},
                                                                         {"body", "The Three-Body Problem"},
                                                                         {"编程入门", "Python编程入门"},
                                                                         {"programming", "Python编程入门"},
                                                                         {"教程", "Python编程入门"}}) {
    EXPECT_EQ(titles(catalog().query_new(search_for(q))->resources), (std::vector<std::string>{want})) << q;
  }
  EXPECT_TRUE(catalog().query_new(search_for("地往"))->resources.empty());
  EXPECT_TRUE(catalog().query_new(search_for("NEAR( \"x"))->resources.empty());
  // Every term must match.
  EXPECT_TRUE(catalog().query_new(search_for("body 地球"))->resources.empty());
}

TEST_P(StoreConformance, RelevanceRanksATitleMatchAboveADescriptionMatch) {
  auto p = user("prov", Role::kProvider);
  auto in_desc = resource(p, "novel", "Quiet evenings");
  ResourceChange c;
  c.description = "a story of a lighthouse keeper";
  c.updated_at = now_ms();
  ASSERT_TRUE(catalog().update_resource(in_desc.id, c));
  auto in_title = resource(p, "novel", "The Lighthouse");
  resource(p, "novel", "Unrelated");
  auto ranked = catalog().query_ranked(search_for("lighthouse", ResourceSort::kRelevance), 100);
  ASSERT_TRUE(ranked);
  EXPECT_EQ(ranked->ids, (std::vector<std::string>{in_title.id, in_desc.id}));
}

TEST_P(StoreConformance, ListingsFilterByTagAndTypeAndPageNewestFirst) {
  auto p = user("prov", Role::kProvider);
  std::vector<Resource> made;
  for (int i = 0; i < 5; ++i) made.push_back(resource(p, i % 2 ? "music" : "video", "t" + std::to_string(i)));
  ResourceChange c;
  c.tags = std::vector<std::string>{"jazz"};
  c.updated_at = now_ms();
  ASSERT_TRUE(catalog().update_resource(made[1].id, c));
  ResourceQuery jazz;
  jazz.tag = "jazz";
  EXPECT_EQ(titles(catalog().query_new(jazz)->resources), (std::vector<std::string>{"t1"}));
  ResourceQuery q;
  q.limit = 2;
  auto first = catalog().query_new(q);
  EXPECT_EQ(titles(first->resources), (std::vector<std::string>{"t4", "t3"}));
  ASSERT_TRUE(first->next_after);
  resource(p, "video", "newer");  // published between pages: never shifts the next one
  q.before_position = first->next_after;
  EXPECT_EQ(titles(catalog().query_new(q)->resources), (std::vector<std::string>{"t2", "t1"}));
  ResourceQuery music;
  music.type = "music";
  EXPECT_EQ(titles(catalog().query_new(music)->resources), (std::vector<std::string>{"t3", "t1"}));
}

TEST_P(StoreConformance, GrantsAreFactsOfAccessAndCanBeWithdrawn) {
  auto p = user("prov", Role::kProvider);
  auto bob = user("bob");
  auto r = resource(p, "video", "Film");
  auto facts = catalog().access_facts(r.id, bob.id);
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->publisher_id, p.id);
  EXPECT_FALSE(facts->granted);
  ASSERT_TRUE(catalog().grant(r.id, bob.id, 1));
  ASSERT_TRUE(catalog().grant(r.id, bob.id, 2));  // idempotent
  EXPECT_TRUE(catalog().access_facts(r.id, bob.id)->granted);
  EXPECT_EQ(*catalog().list_grants(r.id), (std::vector<std::string>{"bob"}));
  EXPECT_TRUE(*catalog().revoke_grant(r.id, bob.id));
  EXPECT_FALSE(*catalog().revoke_grant(r.id, bob.id));
  EXPECT_FALSE(catalog().access_facts(r.id, bob.id)->granted);
  EXPECT_EQ(catalog().access_facts("r_missing", bob.id).error().code, "resource_not_found");
}

TEST_P(StoreConformance, RevokingAShareRevokesItsForwardsAndTheAccessTheyGave) {
  auto p = user("prov", Role::kProvider);
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  auto r = resource(p, "video", "Film");
  EXPECT_FALSE(*delivery().received_share_at(bob.id, r.id));
  auto share = make_share(new_id("s_"), alice.id, r.id, "", {bob.id});
  share.created_at = 1000;
  ASSERT_TRUE(delivery().create_share(share));
  auto fwd = make_share(new_id("s_"), bob.id, r.id, "", {carol.id});
  fwd.kind = ItemKind::kForward;
  fwd.parent_share_id = share.id;
  fwd.chain = {"alice"};
  fwd.created_at = 2000;
  ASSERT_TRUE(delivery().create_share(fwd));
  EXPECT_EQ(*delivery().received_share_at(bob.id, r.id), 1000);
  // A forward gives access from its root share's time: forwarding never renews it.
  EXPECT_EQ(*delivery().received_share_at(carol.id, r.id), 1000);
  EXPECT_FALSE(*delivery().received_share_at(alice.id, r.id));  // sending is not receiving
  ASSERT_TRUE(delivery().revoke_share(share.id, 5000));
  EXPECT_FALSE(*delivery().received_share_at(bob.id, r.id));
  EXPECT_FALSE(*delivery().received_share_at(carol.id, r.id));
  EXPECT_EQ(delivery().get_share(fwd.id)->revoked_at, 5000);
  // A forward stored after its share was revoked is born revoked.
  auto late = make_share(new_id("s_"), bob.id, r.id, "", {alice.id});
  late.kind = ItemKind::kForward;
  late.parent_share_id = share.id;
  late.chain = {"alice"};
  late.created_at = 6000;
  ASSERT_TRUE(delivery().create_share(late));
  EXPECT_EQ(delivery().get_share(late.id)->revoked_at, 5000);
  EXPECT_FALSE(*delivery().received_share_at(alice.id, r.id));
  ASSERT_TRUE(delivery().revoke_share(share.id, 9000));  // the first time stays
  EXPECT_EQ(delivery().get_share(share.id)->revoked_at, 5000);
  EXPECT_EQ(delivery().revoke_share("s_missing", 1).error().code, "share_not_found");
}

TEST_P(StoreConformance, SnapshotsExpireAndSecretsAreMadeOnceForEveryNode) {
  ASSERT_TRUE(catalog().put_snapshot("k_1", {"r_a", "r_b"}, 2000, 1000));
  EXPECT_EQ(**catalog().get_snapshot("k_1", 1500), (std::vector<std::string>{"r_a", "r_b"}));
  EXPECT_FALSE(*catalog().get_snapshot("k_1", 2000));
  EXPECT_FALSE(*catalog().get_snapshot("k_other", 1500));
  catalog().put_snapshot_later("k_2", {"r_c"}, 2000, 1000);
  backend_->flush_writes();
  EXPECT_EQ(**catalog().get_snapshot("k_2", 1500), (std::vector<std::string>{"r_c"}));
  auto s1 = catalog().secret("cursor");
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->size(), 64u);
  EXPECT_NE(*s1, *catalog().secret("link"));
  reopen();
  EXPECT_EQ(*catalog().secret("cursor"), *s1);
}

TEST_P(StoreConformance, PopularityWeighsRecentDaysMoreAndForgetsDaysOutsideTheWindow) {
  auto p = user("prov", Role::kProvider);
  auto old_hit = resource(p, "music", "old hit");
  auto new_hit = resource(p, "music", "new hit");
  auto quiet = resource(p, "music", "quiet");
  std::int64_t today = kPopularityEpochDay + 100;
  // Ten downloads three weeks ago weigh 10/8; two today weigh 2.
  ASSERT_TRUE(catalog().add_popularity({{old_hit.id, today - 21, 10, 0}, {new_hit.id, today, 1, 1}}));
  ResourceQuery q;
  q.sort = ResourceSort::kPopular;
  EXPECT_EQ(catalog().query_ranked(q, 10)->ids, (std::vector<std::string>{new_hit.id, old_hit.id, quiet.id}));
  ASSERT_TRUE(catalog().add_popularity({{old_hit.id, today - 40, 1000, 0}}));
  EXPECT_EQ(catalog().query_ranked(q, 10)->ids.front(), old_hit.id);
  ASSERT_TRUE(catalog().expire_popularity(today - kPopularityWindowDays + 1));
  EXPECT_EQ(catalog().query_ranked(q, 10)->ids, (std::vector<std::string>{new_hit.id, old_hit.id, quiet.id}));
}

TEST_P(StoreConformance, OnlyItsUploadersHoldABlob) {
  auto p = user("prov", Role::kProvider), other = user("other", Role::kProvider);
  std::string sha = to_hex(random_bytes(32));
  ASSERT_TRUE(catalog().put_blob(sha, 5, p.id));
  EXPECT_TRUE(*catalog().holds_blob(sha, p.id));
  EXPECT_FALSE(*catalog().holds_blob(sha, other.id));
  ASSERT_TRUE(catalog().put_blob(sha, 5, other.id));  // the same bytes, uploaded again by another
  EXPECT_TRUE(*catalog().holds_blob(sha, other.id));
  EXPECT_FALSE(*catalog().holds_blob(to_hex(random_bytes(32)), p.id));
}

TEST_P(StoreConformance, OnlyOldBlobsThatNoResourceNamesAreCollected) {
  auto p = user("prov", Role::kProvider);
  auto named = resource(p, "file", "kept");
  std::string orphan = to_hex(random_bytes(32));
  ASSERT_TRUE(catalog().put_blob(orphan, 7));
  auto later = now_ms() + 60'000;
  auto found = catalog().unreferenced_blobs(later, 100);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, (std::vector<std::string>{orphan}));
  EXPECT_TRUE(catalog().unreferenced_blobs(now_ms() - 60'000, 100)->empty());  // younger than the grace
  ASSERT_TRUE(catalog().delete_blobs({orphan, named.sha256}));                 // a named one is never deleted
  EXPECT_FALSE(*catalog().blob_size(orphan));
  EXPECT_EQ(*catalog().blob_size(named.sha256), 42);
}

}  // namespace mc::store::conformance
