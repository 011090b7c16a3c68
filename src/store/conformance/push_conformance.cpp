// The push area's part of the store conformance suite (docs/pushes.md):
// signals, push settings, campaigns and their occurrences, pushes written
// in chunks exactly once, held pushes, recommendations, the same on every
// backend.
#include <algorithm>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/conformance/store_conformance.hpp"

namespace mc::store::conformance {

namespace {

constexpr std::int64_t kDay = 86400000;

Campaign make_campaign(const User& creator, const std::vector<std::string>& resources, const std::string& audience,
                       std::int64_t starts_at) {
  Campaign c;
  c.id = "c_" + std::to_string(starts_at) + audience;
  c.creator_id = creator.id;
  c.creator = creator.network_id;
  c.resource_ids = resources;
  c.message = "new this week";
  c.audience = audience;
  c.starts_at = starts_at;
  c.expires_at = starts_at + 7 * kDay;
  c.next_run_at = starts_at;
  c.created_at = starts_at;
  return c;
}

std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

PushWrite deliver(std::int64_t user, const std::string& resource) {
  PushWrite w;
  w.user_id = user;
  w.resource_id = resource;
  w.reason = "from the provider";
  w.state = PushWrite::State::kDeliver;
  return w;
}

}  // namespace

TEST_P(StoreConformance, SignalsAreEachUsersOwnAndLeaveWithThem) {
  auto a = user("ann");
  auto b = user("bob");
  ASSERT_TRUE(push().record_signals({{a.id, "r_1", "viewed", 100}, {a.id, "r_2", "downloaded", 200}}));
  push().record_signals_later({{b.id, "r_1", "shared", 150}});
  backend_->flush_writes();
  auto mine = push().signals_of(a.id, 10);
  ASSERT_TRUE(mine) << mine.error().message;
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].resource_id, "r_2") << "newest first";
  EXPECT_EQ((*mine)[0].kind, "downloaded");
  EXPECT_EQ(push().signals_of(b.id, 10)->size(), 1u);
  std::vector<std::string> seen;
  ASSERT_TRUE(push().scan_signals(150, [&](const Signal& s) { seen.push_back(s.kind); }));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"downloaded", "shared"}));
  ASSERT_TRUE(push().replace_recommendations({{a.id, {{"r_9", 0.5, "popular now"}}}}, 300));
  ASSERT_TRUE(push().delete_signals(a.id));
  reopen();
  EXPECT_TRUE(push().signals_of(a.id, 10)->empty());
  EXPECT_TRUE(push().recommendations(a.id)->empty()) << "picks made from the signals go with them";
  EXPECT_EQ(push().signals_of(b.id, 10)->size(), 1u) << "another user's stay";
}

TEST_P(StoreConformance, PushSettingsStartAtTheDefaultsAndKeepWhatWasSet) {
  auto a = user("ann");
  auto s = push().settings(a.id);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->per_day);
  EXPECT_EQ(s->time_zone, "UTC");
  EXPECT_FALSE(s->opt_out_all);
  PushSettings set;
  set.per_day = 1;
  set.per_week = 4;
  set.time_zone = "Asia/Tokyo";
  set.quiet_start = 22 * 60;
  set.quiet_end = 7 * 60;
  set.opt_out_kinds = {"game"};
  set.opt_out_tags = {"sport", "news"};
  ASSERT_TRUE(push().put_settings(a.id, set));
  set.per_week.reset();
  ASSERT_TRUE(push().put_settings(a.id, set));
  reopen();
  auto got = push().settings(a.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->per_day, 1);
  EXPECT_FALSE(got->per_week);
  EXPECT_EQ(got->time_zone, "Asia/Tokyo");
  EXPECT_EQ(got->quiet_start, 22 * 60);
  EXPECT_EQ(got->quiet_end, 7 * 60);
  EXPECT_EQ(got->opt_out_kinds, std::vector<std::string>{"game"});
  EXPECT_EQ(got->opt_out_tags, (std::vector<std::string>{"sport", "news"}));
}

TEST_P(StoreConformance, ACampaignMovesThroughItsStatesAndRefusesTheImpossibleOnes) {
  auto p = user("studio", Role::kProvider);
  auto other = user("other", Role::kProvider);
  auto r = resource(p, "novel", "Dune");
  auto c = make_campaign(p, {r.id}, "everyone", 1000);
  ASSERT_TRUE(push().create_campaign(c));
  ASSERT_TRUE(push().create_campaign(make_campaign(other, {r.id}, "everyone", 2000)));
  auto mine = push().campaigns(p.id);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].resource_ids, std::vector<std::string>{r.id});
  EXPECT_EQ((*mine)[0].creator, "studio");
  EXPECT_EQ(push().campaigns(0)->size(), 2u);
  auto paused = push().change_state(c.id, {CampaignState::kActive}, CampaignState::kPaused);
  ASSERT_TRUE(paused) << paused.error().message;
  EXPECT_EQ(paused->state, CampaignState::kPaused);
  auto again = push().change_state(c.id, {CampaignState::kActive}, CampaignState::kPaused);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "campaign_state");
  ASSERT_TRUE(push().change_state(c.id, {CampaignState::kPaused}, CampaignState::kCancelled));
  reopen();
  EXPECT_EQ(push().campaign(c.id)->state, CampaignState::kCancelled);
  auto missing = push().campaign("c_nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "campaign_not_found");
}

TEST_P(StoreConformance, AnOccurrenceStartsOnceWhenDueAndADailyOneMovesOnADay) {
  auto p = user("studio", Role::kProvider);
  auto r = resource(p, "novel", "Dune");
  auto once = make_campaign(p, {r.id}, "everyone", 10 * kDay);
  auto daily = make_campaign(p, {r.id}, "everyone", 10 * kDay + 1);
  daily.every = "day";
  ASSERT_TRUE(push().create_campaign(once));
  ASSERT_TRUE(push().create_campaign(daily));
  EXPECT_TRUE(push().start_due_runs(10 * kDay - 1)->empty()) << "not before its time";
  auto started = push().start_due_runs(10 * kDay + 5);
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_EQ(started->size(), 2u);
  EXPECT_TRUE(push().start_due_runs(10 * kDay + 5)->empty()) << "never twice";
  reopen();
  EXPECT_EQ(push().open_runs()->size(), 2u);
  auto o = push().campaign(once.id);
  EXPECT_EQ(o->state, CampaignState::kActive) << "finished only once sent: it may still be paused";
  EXPECT_FALSE(o->next_run_at);
  EXPECT_EQ(o->occurrences, 1);
  auto runs = push().open_runs();
  auto run = std::find_if(runs->begin(), runs->end(), [&](const CampaignRun& r) { return r.campaign_id == once.id; });
  ASSERT_NE(run, runs->end());
  ASSERT_TRUE(push().write_chunk(*run, 0, 0, true, {}, 10 * kDay + 6));
  EXPECT_EQ(push().campaign(once.id)->state, CampaignState::kFinished);
  auto d = push().campaign(daily.id);
  EXPECT_EQ(d->state, CampaignState::kActive);
  EXPECT_EQ(d->next_run_at, 11 * kDay + 1);
  auto next = push().start_due_runs(11 * kDay + 1);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].occurrence, 2);
  EXPECT_EQ((*next)[0].scheduled_at, 11 * kDay + 1);
}

TEST_P(StoreConformance, AudiencesNameTheirUsersInIdOrder) {
  auto p = user("studio", Role::kProvider);
  auto a = user("ann");
  auto b = user("bob");
  auto c = user("cy");
  auto novel = resource(p, "novel", "Dune");  // tags a, b
  auto game = resource(p, "game", "Chess");
  ASSERT_TRUE(push().record_signals({{a.id, novel.id, "viewed", 1},
                                     {b.id, game.id, "downloaded", 2},
                                     {c.id, novel.id, "not_interested", 3},
                                     {c.id, game.id, "push_dismissed", 4}}));
  auto ids = [&](const std::string& audience, std::vector<std::int64_t> users = {}) {
    auto camp = make_campaign(p, {novel.id}, audience, 1);
    camp.audience_ids = std::move(users);
    auto got = push().audience_after(camp, 0, 100);
    EXPECT_TRUE(got) << audience;
    EXPECT_EQ(*push().audience_size(camp), static_cast<std::int64_t>(got->size())) << audience;
    return sorted(*got);
  };
  EXPECT_EQ(ids("everyone"), (std::vector<std::int64_t>{a.id, b.id, c.id})) << "users, not providers";
  // Both resources carry the fixture's tags a and b.
  EXPECT_EQ(ids("tag:a"), (std::vector<std::int64_t>{a.id, b.id})) << "not_interested is no interest";
  EXPECT_EQ(ids("tag:zzz"), std::vector<std::int64_t>{});
  EXPECT_EQ(ids("kind:game"), (std::vector<std::int64_t>{b.id})) << "a dismissal is no interest";
  EXPECT_EQ(ids("consumed:" + game.id), (std::vector<std::int64_t>{b.id}));
  EXPECT_EQ(ids("consumed:" + novel.id), std::vector<std::int64_t>{}) << "viewing is not consuming";
  EXPECT_EQ(ids("users:x", {c.id, a.id}), (std::vector<std::int64_t>{a.id, c.id}));
  ASSERT_TRUE(push().replace_recommendations({{b.id, {{novel.id, 0.9, "popular now"}}}}, 5));
  EXPECT_EQ(ids("recommended"), (std::vector<std::int64_t>{b.id}));
  auto page = push().audience_after(make_campaign(p, {novel.id}, "everyone", 1), a.id, 1);
  ASSERT_TRUE(page);
  EXPECT_EQ(*page, (std::vector<std::int64_t>{b.id})) << "after the cursor, one page";
}

TEST_P(StoreConformance, AChunkIsWrittenOnceWithItsItemsAndItsCursor) {
  auto p = user("studio", Role::kProvider);
  auto a = user("ann");
  auto b = user("bob");
  auto r = resource(p, "novel", "Dune");
  auto camp = make_campaign(p, {r.id}, "everyone", 1000);
  ASSERT_TRUE(push().create_campaign(camp));
  auto runs = push().start_due_runs(1000);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  const CampaignRun run = (*runs)[0];
  PushWrite held = deliver(b.id, r.id);
  held.state = PushWrite::State::kHold;
  held.not_before = 5000;
  auto first = push().write_chunk(run, 0, a.id, false, {deliver(a.id, r.id)}, 2000);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 1u);
  // The same chunk again, as a second scheduler (or a restart) would: nothing.
  auto replay = push().write_chunk(run, 0, a.id, false, {deliver(a.id, r.id)}, 2001);
  ASSERT_TRUE(replay);
  EXPECT_TRUE(replay->empty());
  ASSERT_TRUE(push().write_chunk(run, a.id, b.id, true, {held}, 2002));
  reopen();
  EXPECT_TRUE(push().open_runs()->empty()) << "the run is done";
  auto items = delivery().list_inbox(a.id, 0, 10);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u);
  const auto& it = (*items)[0];
  EXPECT_EQ(it.kind, ItemKind::kPush);
  EXPECT_EQ(it.campaign_id, camp.id);
  EXPECT_EQ(it.reason, "from the provider");
  EXPECT_EQ(it.note, "new this week");
  EXPECT_EQ(it.sender, "studio");
  EXPECT_EQ(it.resource.id, r.id);
  EXPECT_EQ(it.resource.title, "Dune");
  EXPECT_TRUE(delivery().list_inbox(b.id, 0, 10)->empty()) << "held";

  auto targets = push().targets({a.id, b.id}, 0, {r.id});
  ASSERT_TRUE(targets);
  ASSERT_EQ(targets->size(), 2u);
  for (const auto& t : *targets) {
    EXPECT_EQ(t.pushed, std::vector<std::string>{r.id}) << "pushed or held: never again";
    EXPECT_TRUE(t.consumed.empty());
    EXPECT_EQ(t.sent_at.size(), t.user_id == a.id ? 1u : 0u);
  }
  EXPECT_TRUE(push().due_held(4999, 10)->empty());
  auto due = push().due_held(5000, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].user_id, b.id);
  EXPECT_EQ((*due)[0].expires_at, camp.expires_at);
  auto settled = push().settle_held({{(*due)[0], deliver(b.id, r.id)}}, 5001);
  ASSERT_TRUE(settled) << settled.error().message;
  ASSERT_EQ(settled->size(), 1u);
  EXPECT_TRUE(push().settle_held({{(*due)[0], deliver(b.id, r.id)}}, 5002)->empty()) << "settled once";
  auto b_items = delivery().list_inbox(b.id, 0, 10);
  ASSERT_EQ(b_items->size(), 1u);

  auto opened = delivery().mark_opened(a.id, it.id);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(opened->first_open);
  EXPECT_FALSE(opened->notify_user) << "a push owes nobody a receipt";
  auto why = push().push_for_item(a.id, it.id);
  ASSERT_TRUE(why) << why.error().message;
  EXPECT_EQ(why->state, "delivered");
  EXPECT_EQ(why->delivered_at, 2000);
  EXPECT_FALSE(push().push_for_item(b.id, it.id)) << "someone else's item";
  ASSERT_TRUE(push().mark_push(a.id, it.id, false, 3000));
  ASSERT_TRUE(push().mark_push(a.id, it.id, true, 3100));
  ASSERT_TRUE(push().mark_push(a.id, it.id, false, 3200));
  EXPECT_EQ(push().push_for_item(a.id, it.id)->opened_at, 3000) << "the first open counts";
  auto stats = push().stats(camp.id);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->targeted, 2);
  EXPECT_EQ(stats->delivered, 2);
  EXPECT_EQ(stats->held, 0);
  EXPECT_EQ(stats->opened, 1);
  EXPECT_EQ(stats->dismissed, 1);
  ASSERT_FALSE(stats->hours.empty());
  EXPECT_EQ(stats->hours[0].delivered, 2);
}

TEST_P(StoreConformance, CancellingExpiresWhatIsHeldAndRecommendationsAreReplacedPerUser) {
  auto p = user("studio", Role::kProvider);
  auto a = user("ann");
  auto r = resource(p, "novel", "Dune");
  auto camp = make_campaign(p, {r.id}, "everyone", 1000);
  ASSERT_TRUE(push().create_campaign(camp));
  auto runs = push().start_due_runs(1000);
  PushWrite held = deliver(a.id, r.id);
  held.state = PushWrite::State::kHold;
  held.not_before = 9000;
  ASSERT_TRUE(push().write_chunk((*runs)[0], 0, a.id, true, {held}, 1500));
  ASSERT_TRUE(
      push().change_state(camp.id, {CampaignState::kActive, CampaignState::kFinished}, CampaignState::kCancelled));
  EXPECT_TRUE(push().due_held(10000, 10)->empty());
  EXPECT_EQ(push().stats(camp.id)->expired, 1);

  ASSERT_TRUE(push().replace_recommendations({{a.id, {{"r_1", 0.9, "popular now"}, {"r_2", 0.5, "x"}}}}, 1));
  ASSERT_TRUE(push().replace_recommendations({{a.id, {{"r_3", 0.7, "because you opened \"Dune\""}}}}, 2));
  auto recs = push().recommendations(a.id);
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].resource_id, "r_3");
  EXPECT_EQ((*recs)[0].reason, "because you opened \"Dune\"");
  EXPECT_NEAR((*recs)[0].score, 0.7, 1e-9);
}

TEST_P(StoreConformance, AClosedAccountKeepsItsNameAndNothingElse) {
  auto p = user("studio", Role::kProvider);
  auto a = user("ann");
  auto b = user("bob");
  auto r = resource(p, "novel", "Dune");
  ASSERT_TRUE(push().record_signals({{a.id, r.id, "downloaded", 1}, {b.id, r.id, "viewed", 2}}));
  ASSERT_TRUE(push().put_settings(a.id, PushSettings{1, 2, "Europe/Berlin", {}, {}, false, {}, {}}));
  ASSERT_TRUE(push().replace_recommendations({{a.id, {{r.id, 0.5, "popular now"}}}}, 3));
  ASSERT_TRUE(accounts().create_session("token-of-ann", a.id, "phone", now_ms() + 60000));
  ASSERT_TRUE(delivery().create_share(make_share(new_id("s_"), b.id, r.id, "", {a.id})));
  ASSERT_TRUE(delivery().create_share(make_share(new_id("s_"), a.id, r.id, "from ann", {b.id})));
  ASSERT_TRUE(social().block(b.id, a.id, 4));

  ASSERT_TRUE(backend_->close_account(a.id, 5));
  ASSERT_TRUE(backend_->close_account(a.id, 6)) << "closing again changes nothing";
  reopen();
  EXPECT_TRUE(push().signals_of(a.id, 10)->empty());
  EXPECT_TRUE(push().recommendations(a.id)->empty());
  EXPECT_EQ(push().settings(a.id)->time_zone, "UTC") << "settings gone";
  EXPECT_TRUE(delivery().list_inbox(a.id, 0, 10)->empty());
  EXPECT_TRUE(social().blocked(b.id)->empty()) << "blocks both ways";
  EXPECT_FALSE(accounts().find_session("token-of-ann")) << "no session survives";
  auto still = accounts().find_user("ann");
  ASSERT_TRUE(still) << "the network ID stays taken";
  EXPECT_TRUE(still->password_hash.empty()) << "nobody logs in";
  EXPECT_FALSE(accounts().create_user("ann", "x", Role::kUser)) << "and is never given to someone else";
  EXPECT_EQ(push().signals_of(b.id, 10)->size(), 1u) << "others keep theirs";
  EXPECT_EQ(delivery().list_inbox(b.id, 0, 10)->size(), 1u) << "what ann sent stays with its recipient";
  auto refusing = social().refusing_shares(b.id, {a.id});
  ASSERT_TRUE(refusing);
  EXPECT_EQ(refusing->count(a.id), 1u) << "a closed account accepts no share";
  auto everyone = Campaign{};
  everyone.audience = "everyone";
  auto users = push().audience_after(everyone, 0, 100);
  ASSERT_TRUE(users);
  EXPECT_EQ(std::count(users->begin(), users->end(), a.id), 0) << "nor any push";
}

TEST_P(StoreConformance, APauseOrACancelHoldsForEveryWriteAfterIt) {
  auto p = user("studio", Role::kProvider);
  auto a = user("ann");
  auto b = user("bob");
  auto r = resource(p, "novel", "Dune");
  auto camp = make_campaign(p, {r.id}, "everyone", 1000);
  ASSERT_TRUE(push().create_campaign(camp));
  auto runs = push().start_due_runs(1000);
  ASSERT_EQ(runs->size(), 1u);
  PushWrite held = deliver(a.id, r.id);
  held.state = PushWrite::State::kHold;
  held.not_before = 2000;
  ASSERT_TRUE(push().write_chunk((*runs)[0], 0, a.id, false, {held}, 1500));
  ASSERT_TRUE(push().change_state(camp.id, {CampaignState::kActive}, CampaignState::kPaused));
  EXPECT_TRUE(push().open_runs()->empty()) << "a paused run takes no place";
  EXPECT_TRUE(push().due_held(5000, 10)->empty()) << "nor do its held pushes go out";
  auto written = push().write_chunk((*runs)[0], a.id, b.id, true, {deliver(b.id, r.id)}, 1600);
  ASSERT_TRUE(written);
  EXPECT_TRUE(written->empty());
  EXPECT_TRUE(delivery().list_inbox(b.id, 0, 10)->empty()) << "paused a moment before: nothing written";
  ASSERT_TRUE(push().change_state(camp.id, {CampaignState::kPaused}, CampaignState::kActive));
  ASSERT_EQ(push().open_runs()->size(), 1u);
  EXPECT_EQ((*push().open_runs())[0].cursor, a.id) << "it goes on where it stopped";
  EXPECT_EQ(push().due_held(5000, 10)->size(), 1u);
  ASSERT_TRUE(push().change_state(camp.id, {CampaignState::kActive}, CampaignState::kCancelled));
  ASSERT_TRUE(push().write_chunk((*runs)[0], a.id, b.id, true, {deliver(b.id, r.id)}, 1700));
  EXPECT_TRUE(delivery().list_inbox(b.id, 0, 10)->empty()) << "cancelled: nothing more goes out";
  EXPECT_TRUE(push().open_runs()->empty()) << "and its run is closed";
}

TEST_P(StoreConformance, ASignalCountsOnceADay) {
  auto a = user("ann");
  ASSERT_TRUE(push().record_signals({{a.id, "r_1", "viewed", 10 * kDay}, {a.id, "r_1", "viewed", 10 * kDay + 5}}));
  ASSERT_TRUE(push().record_signals({{a.id, "r_1", "viewed", 10 * kDay + 60000}}));
  ASSERT_TRUE(push().record_signals({{a.id, "r_1", "downloaded", 10 * kDay + 60000}}));
  ASSERT_TRUE(push().record_signals({{a.id, "r_1", "viewed", 11 * kDay + 1}}));
  EXPECT_EQ(push().signals_of(a.id, 10)->size(), 3u) << "viewed twice a day apart, downloaded once";
}

}  // namespace mc::store::conformance
