// The direct EASE computation below instantiates Eigen's double GEMM, which
// trips GCC 12's false -Wmaybe-uninitialized inside its AVX-512 intrinsics
// (see ease_model.cpp).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/recommend/interactions.hpp"
#include "core/recommend/models.hpp"
#include "core/recommend/recommender.hpp"

namespace mc::recommend {

namespace {

// Users given as lists of items, weight 1 each.
Interactions matrix(std::size_t items, const std::vector<std::vector<std::uint32_t>>& users) {
  std::vector<Interaction> t;
  for (std::size_t u = 0; u < users.size(); ++u) {
    for (std::uint32_t i : users[u]) t.push_back({static_cast<std::uint32_t>(u), i, 1.0f});
  }
  return Interactions::from_triplets(users.size(), items, t);
}

// `copies` users of each group.
std::vector<std::vector<std::uint32_t>> repeat(const std::vector<std::vector<std::uint32_t>>& groups, int copies) {
  std::vector<std::vector<std::uint32_t>> users;
  for (const auto& g : groups) {
    for (int c = 0; c < copies; ++c) users.push_back(g);
  }
  return users;
}

std::vector<float> scores(const Model& m, const std::vector<std::pair<std::uint32_t, float>>& history, std::size_t n) {
  std::vector<float> out(n, -1.0f);
  m.score(OwnedRow(history).view(), out);
  return out;
}

ItemFeatures item(std::string id, std::string kind, std::vector<std::string> tags, std::int64_t created_at = 0) {
  return ItemFeatures{std::move(id), std::move(kind), std::move(tags), created_at};
}

UserHistory user(std::string id, std::vector<std::string> positives, std::vector<std::string> not_interested = {},
                 std::vector<std::string> exclude = {}) {
  UserHistory h;
  h.user = std::move(id);
  for (auto& p : positives) h.positives.emplace_back(std::move(p), 1.0f);
  h.not_interested = std::move(not_interested);
  h.exclude = std::move(exclude);
  return h;
}

// Two taste groups: a1..a3 (tag "jazz") and b1..b3 (tag "rock"), 5 users
// with each whole group.
std::vector<ItemFeatures> two_group_catalog() {
  return {item("a1", "track", {"jazz"}), item("a2", "track", {"jazz"}), item("a3", "track", {"jazz"}),
          item("b1", "track", {"rock"}), item("b2", "track", {"rock"}), item("b3", "track", {"rock"})};
}

std::vector<UserHistory> two_group_users() {
  std::vector<UserHistory> users;
  for (int c = 0; c < 5; ++c) {
    users.push_back(user("ua" + std::to_string(c), {"a1", "a2", "a3"}));
    users.push_back(user("ub" + std::to_string(c), {"b1", "b2", "b3"}));
  }
  return users;
}

const Pick* find_pick(const std::vector<Pick>& picks, const std::string& id) {
  for (const Pick& p : picks) {
    if (p.item == id) return &p;
  }
  return nullptr;
}

}  // namespace

TEST(RecommendInteractions, RowsAreSortedAndRepeatsSummed) {
  std::vector<Interaction> t = {{1, 3, 1.0f}, {1, 0, 2.0f}, {1, 3, 0.5f}, {0, 2, -1.0f}};
  Interactions m = Interactions::from_triplets(3, 4, t);
  EXPECT_EQ(m.nnz(), 3u);
  UserRow r = m.row(1);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.items[0], 0u);
  EXPECT_EQ(r.weights[0], 2.0f);
  EXPECT_EQ(r.items[1], 3u);
  EXPECT_EQ(r.weights[1], 1.5f);
  EXPECT_EQ(m.row(0).weights[0], -1.0f);
  EXPECT_TRUE(m.row(2).empty());
  EXPECT_EQ(m.positive_user_counts(), (std::vector<std::uint32_t>{1, 0, 0, 1}));
}

TEST(RecommendIdIndex, InternsInOrderOfFirstAppearance) {
  IdIndex ids;
  EXPECT_EQ(ids.intern("b"), 0u);
  EXPECT_EQ(ids.intern("a"), 1u);
  EXPECT_EQ(ids.intern("b"), 0u);
  EXPECT_EQ(ids.find("a"), 1u);
  EXPECT_FALSE(ids.find("c"));
  EXPECT_EQ(ids.id(1), "a");
}

TEST(RecommendModels, UnknownNameIsAnError) {
  auto m = make_model("svd", {});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, "unknown_model");
  for (std::string_view name : model_names()) {
    auto known = make_model(name, {});
    ASSERT_TRUE(known);
    EXPECT_EQ((*known)->name(), name);
  }
}

TEST(RecommendRandom, IsDeterministicPerSeedAndHistory) {
  Interactions data = matrix(50, {{1, 2}, {3}});
  RandomModel a(7), b(7), c(8);
  ASSERT_TRUE(a.train(data));
  ASSERT_TRUE(b.train(data));
  ASSERT_TRUE(c.train(data));
  auto sa = scores(a, {{1, 1.0f}}, 50);
  EXPECT_EQ(sa, scores(b, {{1, 1.0f}}, 50));
  EXPECT_NE(sa, scores(c, {{1, 1.0f}}, 50));
  EXPECT_NE(sa, scores(a, {{2, 1.0f}}, 50));
  for (float s : sa) {
    EXPECT_GE(s, 0.0f);
    EXPECT_LT(s, 1.0f);
  }
}

TEST(RecommendMostPopular, CountsUsersWithAPositiveWeight) {
  std::vector<Interaction> t = {{0, 1, 1.0f}, {1, 1, 3.0f}, {2, 1, -1.0f}, {2, 0, 1.0f}};
  MostPopularModel m;
  ASSERT_TRUE(m.train(Interactions::from_triplets(3, 3, t)));
  EXPECT_EQ(scores(m, {}, 3), (std::vector<float>{1.0f, 2.0f, 0.0f}));
}

// Item columns over users u0 {0,1}, u1 {0,1,2}, u2 {1,2}, u3 {2}:
//   i0 = (1,1,0,0), i1 = (1,1,1,0), i2 = (0,1,1,1);
//   cos(0,1) = 2 / (sqrt2 sqrt3) = 2/sqrt6, cos(0,2) = 1/sqrt6, cos(1,2) = 2/3.
TEST(RecommendItemKnn, CosineSimilaritiesByHand) {
  ItemKnnModel m(100);
  ASSERT_TRUE(m.train(matrix(3, {{0, 1}, {0, 1, 2}, {1, 2}, {2}})));
  auto n0 = m.neighbours(0);
  ASSERT_EQ(n0.size(), 2u);
  EXPECT_EQ(n0[0].item, 1u);
  EXPECT_NEAR(n0[0].similarity, 2.0 / std::sqrt(6.0), 1e-6);
  EXPECT_EQ(n0[1].item, 2u);
  EXPECT_NEAR(n0[1].similarity, 1.0 / std::sqrt(6.0), 1e-6);
  auto n2 = m.neighbours(2);
  ASSERT_EQ(n2.size(), 2u);
  EXPECT_EQ(n2[0].item, 1u);
  EXPECT_NEAR(n2[0].similarity, 2.0 / 3.0, 1e-6);

  // score(i) = sum over history j of sim(j, i) * weight_j; history {0: 1, 2: 0.5}.
  auto s = scores(m, {{0, 1.0f}, {2, 0.5f}}, 3);
  EXPECT_NEAR(s[0], 0.5 * (1.0 / std::sqrt(6.0)), 1e-6);
  EXPECT_NEAR(s[1], 2.0 / std::sqrt(6.0) + 0.5 * (2.0 / 3.0), 1e-6);
  EXPECT_NEAR(s[2], 1.0 / std::sqrt(6.0), 1e-6);
  EXPECT_GT(m.bytes(), 0u);
}

TEST(RecommendItemKnn, KeepsOnlyTheKNearest) {
  ItemKnnModel m(1);
  ASSERT_TRUE(m.train(matrix(3, {{0, 1}, {0, 1, 2}, {1, 2}, {2}})));
  ASSERT_EQ(m.neighbours(0).size(), 1u);
  EXPECT_EQ(m.neighbours(0)[0].item, 1u);
  EXPECT_EQ(m.neighbours(1)[0].item, 0u);  // 2/sqrt6 > 2/3
}

// B against the closed form computed directly (in double, with a general
// inverse) on 4 items, one of which nobody touched.
TEST(RecommendEase, MatchesTheClosedFormComputedDirectly) {
  std::vector<Interaction> t = {{0, 0, 1.0f}, {0, 1, 2.0f}, {1, 1, 1.0f}, {1, 2, 1.0f},
                                {2, 0, 1.0f}, {2, 2, 0.5f}, {3, 0, 1.0f}, {3, 1, 1.0f}};
  Interactions data = Interactions::from_triplets(4, 4, t);
  const double lambda = 2.0;
  EaseModel m(EaseModel::Options{.lambda = static_cast<float>(lambda)});
  ASSERT_TRUE(m.train(data));

  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(4, 4);
  for (const Interaction& e : t) x(e.user, e.item) = e.weight;
  Eigen::MatrixXd g = x.transpose() * x + lambda * Eigen::MatrixXd::Identity(4, 4);
  Eigen::MatrixXd p = g.inverse();
  for (int j = 0; j < 4; ++j) {
    for (int i = 0; i < 4; ++i) {
      double expected = i == j ? 0.0 : -p(j, i) / p(i, i);
      EXPECT_NEAR(m.weight(j, i), expected, 1e-5) << "B(" << j << "," << i << ")";
    }
  }
  for (int j = 0; j < 4; ++j) EXPECT_EQ(m.weight(j, 3), 0.0f);  // item 3: no interactions, zero column
  EXPECT_EQ(m.bytes(), 16 * sizeof(float));

  // score = x_u^T B.
  auto s = scores(m, {{0, 1.0f}, {2, 2.0f}}, 4);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(s[i], m.weight(0, i) + 2.0f * m.weight(2, i), 1e-6);
}

TEST(RecommendEase, RefusesANonPositiveLambda) {
  EaseModel m(EaseModel::Options{.lambda = 0.0f});
  Status st = m.train(matrix(2, {{0, 1}}));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "invalid_lambda");
}

// Two disjoint groups {0,1,2} and {3,4,5}: G is block diagonal, so B is,
// and a user holding 0 and 1 scores 2 above every item of the other group
// (which scores exactly 0).
TEST(RecommendEase, PicksTheMissingItemOfTheUsersGroup) {
  EaseModel m(EaseModel::Options{.lambda = 1.0f});
  ASSERT_TRUE(m.train(matrix(6, repeat({{0, 1, 2}, {3, 4, 5}}, 5))));
  auto s = scores(m, {{0, 1.0f}, {1, 1.0f}}, 6);
  EXPECT_GT(s[2], 0.0f);
  for (int i = 3; i < 6; ++i) EXPECT_EQ(s[i], 0.0f);
  auto because = m.explain(OwnedRow({{0, 1.0f}, {1, 1.0f}}).view(), 2);
  ASSERT_TRUE(because);
  EXPECT_TRUE(*because == 0 || *because == 1);
  EXPECT_FALSE(m.explain(OwnedRow({{0, 1.0f}}).view(), 4));  // nothing contributes
}

TEST(RecommendRecommender, PicksTheMissingItemOfTheUsersGroupBecauseOfItsHistory) {
  auto users = two_group_users();
  users.push_back(user("me", {"a1", "a2"}));
  RecommendOptions options;
  options.per_user = 1;
  auto r = Recommender::train(two_group_catalog(), users, options);
  ASSERT_TRUE(r);
  auto picks = r->recommend(users.back());
  ASSERT_EQ(picks.size(), 1u);
  EXPECT_EQ(picks[0].item, "a3");
  EXPECT_EQ(picks[0].reason.kind, Reason::Kind::kBecause);
  EXPECT_TRUE(picks[0].reason.item == "a1" || picks[0].reason.item == "a2");
}

TEST(RecommendRecommender, NeverReturnsPositivesNotInterestedOrExcluded) {
  auto users = two_group_users();
  RecommendOptions options;
  options.per_user = 100;
  auto r = Recommender::train(two_group_catalog(), users, options);
  ASSERT_TRUE(r);
  auto picks = r->recommend(user("me", {"a1"}, {"b1"}, {"a2", "unknown"}));
  std::set<std::string> got;
  for (const Pick& p : picks) got.insert(p.item);
  EXPECT_EQ(got, (std::set<std::string>{"a3", "b2", "b3"}));
  // Not interested wins over a positive on the same item.
  picks = r->recommend(user("me", {"a1", "b1"}, {"b1"}));
  EXPECT_FALSE(find_pick(picks, "b1"));
}

// Item 1 always comes with item 3. A user who opened 0 and is not interested
// in 1 has 3 (1's near neighbour) lowered, below 2.
TEST(RecommendRecommender, NotInterestedLowersItsNeighbours) {
  std::vector<ItemFeatures> catalog;
  for (int i = 0; i < 5; ++i) catalog.push_back(item("i" + std::to_string(i), "track", {}));
  std::vector<UserHistory> users;
  for (int c = 0; c < 4; ++c) users.push_back(user("p" + std::to_string(c), {"i0", "i2"}));
  for (int c = 0; c < 6; ++c) users.push_back(user("q" + std::to_string(c), {"i0", "i3"}));
  for (int c = 0; c < 6; ++c) users.push_back(user("r" + std::to_string(c), {"i1", "i3"}));
  RecommendOptions options;
  options.lambda = 1.0f;
  auto r = Recommender::train(catalog, users, options);
  ASSERT_TRUE(r);

  auto before = r->recommend(user("me", {"i0"}));
  ASSERT_GE(before.size(), 2u);
  EXPECT_EQ(before[0].item, "i3");
  EXPECT_EQ(before[1].item, "i2");
  auto after = r->recommend(user("me", {"i0"}, {"i1"}));
  ASSERT_GE(after.size(), 2u);
  EXPECT_EQ(after[0].item, "i2");
  EXPECT_LT(find_pick(after, "i3")->score, find_pick(before, "i3")->score);

  // The same in the model's own scores.
  EaseModel m(EaseModel::Options{.lambda = 1.0f});
  ASSERT_TRUE(m.train(matrix(5, [] {
    auto u = repeat({{0, 2}}, 4);
    for (auto& v : repeat({{0, 3}, {1, 3}}, 6)) u.push_back(v);
    return u;
  }())));
  EXPECT_LT(scores(m, {{0, 1.0f}, {1, -1.0f}}, 5)[3], scores(m, {{0, 1.0f}}, 5)[3]);
}

TEST(RecommendColdStart, ANewItemWithATagTheUserReadsIsPickedForAffinity) {
  auto catalog = two_group_catalog();
  catalog.push_back(item("new-jazz", "track", {"jazz", "live"}, 100));
  catalog.push_back(item("new-rock", "track", {"rock"}, 100));
  auto users = two_group_users();
  RecommendOptions options;
  options.per_user = 2;
  auto r = Recommender::train(catalog, users, options);
  ASSERT_TRUE(r);

  // Few positives: affinity counts fully.
  auto picks = r->recommend(user("me", {"a1", "a2"}));
  ASSERT_EQ(picks.size(), 2u);
  EXPECT_EQ(picks[0].item, "a3");
  EXPECT_EQ(picks[1].item, "new-jazz");
  EXPECT_EQ(picks[1].reason.kind, Reason::Kind::kAffinity);
  EXPECT_EQ(picks[1].reason.label, "jazz");
  EXPECT_FALSE(picks[1].reason.label_is_kind);

  // Many positives: a new item still beats the other group.
  picks = r->recommend(user("me", {"a1", "a2", "a3"}));
  ASSERT_EQ(picks.size(), 2u);
  EXPECT_EQ(picks[0].item, "new-jazz");
  EXPECT_EQ(picks[0].reason.kind, Reason::Kind::kAffinity);
}

TEST(RecommendColdStart, AnItemWithoutTagsIsPickedForItsKind) {
  std::vector<ItemFeatures> catalog = {item("p1", "podcast", {}), item("p2", "podcast", {}), item("v1", "video", {}),
                                       item("p3", "podcast", {})};
  std::vector<UserHistory> users = {user("x", {"p1", "v1"})};
  RecommendOptions options;
  options.per_user = 2;
  auto r = Recommender::train(catalog, users, options);
  ASSERT_TRUE(r);
  // v1 co-occurs with p1; p2 and p3 are new podcasts (equal scores: catalog order).
  auto picks = r->recommend(user("me", {"p1"}));
  ASSERT_EQ(picks.size(), 2u);
  EXPECT_EQ(picks[0].item, "v1");
  EXPECT_EQ(picks[0].reason.kind, Reason::Kind::kBecause);
  EXPECT_EQ(picks[0].reason.item, "p1");
  EXPECT_EQ(picks[1].item, "p2");
  EXPECT_EQ(picks[1].reason.kind, Reason::Kind::kAffinity);
  EXPECT_EQ(picks[1].reason.label, "podcast");
  EXPECT_TRUE(picks[1].reason.label_is_kind);
}

TEST(RecommendColdStart, AUserWithNoHistoryGetsThePopularItems) {
  auto users = two_group_users();
  users.push_back(user("b-fan", {"b1"}));
  users.push_back(user("b-fan2", {"b1", "b2"}));
  RecommendOptions options;
  options.per_user = 3;
  auto r = Recommender::train(two_group_catalog(), users, options);
  ASSERT_TRUE(r);
  // Popularity: b1 7, b2 6, b3 5, a* 5; ties: catalog order (equal created_at).
  auto picks = r->recommend(user("new", {}, {}, {"b2"}));
  ASSERT_EQ(picks.size(), 3u);
  EXPECT_EQ(picks[0].item, "b1");
  EXPECT_EQ(picks[1].item, "a1");
  EXPECT_EQ(picks[2].item, "a2");
  for (const Pick& p : picks) EXPECT_EQ(p.reason.kind, Reason::Kind::kPopular);
  EXPECT_EQ(picks[0].score, 7.0f);
}

TEST(RecommendRecommender, EveryPickHasAReasonAndAllUsersAreServed) {
  auto users = two_group_users();
  users.push_back(user("new", {}));
  users.push_back(user("one", {"b1"}));
  auto all = recommend_all(two_group_catalog(), users, {});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), users.size());
  for (std::size_t u = 0; u < users.size(); ++u) {
    EXPECT_EQ((*all)[u].user, users[u].user);
    for (const Pick& p : (*all)[u].picks) {
      switch (p.reason.kind) {
        case Reason::Kind::kBecause:
          EXPECT_FALSE(p.reason.item.empty());
          break;
        case Reason::Kind::kAffinity:
          EXPECT_FALSE(p.reason.label.empty());
          break;
        case Reason::Kind::kPopular:
          break;
      }
    }
  }
  EXPECT_EQ(all->back().picks.size(), 5u);  // every item but b1
}

TEST(RecommendRecommender, RefusesDuplicateCatalogIds) {
  auto r = Recommender::train({item("a", "k", {}), item("a", "k", {})}, {}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "duplicate_item");
}

}  // namespace mc::recommend
