#include "server/push/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "server/delivery/bus.hpp"
#include "store/rules/campaign_rules.hpp"
#include "store/rules/push_rules.hpp"

namespace mc::push {

namespace {

using store::PushWrite;
using store::rules::Audience;

// Users per write job of a chunk (see send_chunk).
constexpr std::size_t kWritesPerJob = 100;

// The pushes a user received in any local ISO week holding `now` lie
// within the 8 days before it, whatever their time zone.
constexpr std::int64_t kWeekWindowMs = 8 * 86400000LL;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Whether the user opted out of this resource (its kind or one of its tags).
bool opted_out(const store::PushSettings& s, const wire::Resource& r) {
  if (contains(s.opt_out_kinds, r.type)) return true;
  return std::any_of(r.tags.begin(), r.tags.end(), [&](const std::string& t) { return contains(s.opt_out_tags, t); });
}

// The reason a campaign gives a user who was not picked personally.
std::string audience_reason(const Audience& a, const std::map<std::string, wire::Resource>& resources) {
  switch (a.kind) {
    case Audience::Kind::kTag:
      return "new in " + a.value + " you read";
    case Audience::Kind::kKind:
      return "new in the " + a.value + " kind you read";
    case Audience::Kind::kConsumed: {
      auto it = resources.find(a.value);
      return "because you opened " + (it != resources.end() ? "\"" + it->second.title + "\"" : a.value);
    }
    default:
      return "from the provider";
  }
}

// The rules for one user at `now_ms`: send, hold or expire.
PushWrite decide(const store::PushTarget& t, const PushConfig& config, std::int64_t now_ms, std::int64_t expires_at) {
  PushWrite w;
  w.user_id = t.user_id;
  std::optional<store::rules::QuietHours> quiet;
  if (t.settings.quiet_start && t.settings.quiet_end) {
    quiet = store::rules::QuietHours{*t.settings.quiet_start, *t.settings.quiet_end};
  }
  store::rules::PushLimits limits{std::min(config.per_day, t.settings.per_day.value_or(config.per_day)),
                                  std::min(config.per_week, t.settings.per_week.value_or(config.per_week))};
  std::vector<std::int64_t> sent;
  for (auto ms : t.sent_at) sent.push_back(ms / 1000);
  auto d = store::rules::decide_push(now_ms / 1000, t.settings.time_zone, quiet, limits, sent, expires_at / 1000);
  switch (d.kind) {
    case store::rules::PushDecision::Kind::kSendNow:
      w.state = PushWrite::State::kDeliver;
      break;
    case store::rules::PushDecision::Kind::kHold:
      w.state = PushWrite::State::kHold;
      w.not_before = d.not_before * 1000;
      break;
    case store::rules::PushDecision::Kind::kExpire:
      w.state = PushWrite::State::kExpire;
      break;
  }
  return w;
}

}  // namespace

Scheduler::Scheduler(store::PushStore& pushes, store::CatalogStore& catalog, delivery::Bus& bus,
                     const PushConfig& config, const PushClock& clock, std::function<Status()> retrain)
    : pushes_(pushes), catalog_(catalog), bus_(bus), config_(config), clock_(clock), retrain_(std::move(retrain)) {}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (retrainer_.joinable()) retrainer_.join();
}

void Scheduler::start() {
  last_retrain_ms_ = clock_.now_ms();
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    if (auto st = tick(); !st) spdlog::warn("event=push_tick_failed error=\"{}\"", st.error().message);
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(config_.tick_ms), [this] { return stopping_; });
  }
}

Status Scheduler::tick() {
  const std::int64_t now = clock_.now_ms();
  MC_TRY(auto started, pushes_.start_due_runs(now));
  for (const auto& run : started) {
    spdlog::info("event=campaign_occurrence campaign={} occurrence={}", run.campaign_id, run.occurrence);
  }
  MC_TRY(auto runs, pushes_.open_runs());
  for (const auto& run : runs) {
    bool more = true;
    while (more) {
      {
        std::lock_guard lock(mu_);
        if (stopping_) return {};
      }
      MC_TRY_STATUS(send_chunk(run, more));
    }
  }
  MC_TRY_STATUS(settle_held());
  if (config_.recommend_every_seconds > 0 && retrain_ && !retraining_ &&
      now - last_retrain_ms_ >= config_.recommend_every_seconds * 1000) {
    // On a thread of its own: training takes tens of seconds, and pushes
    // keep going out meanwhile.
    last_retrain_ms_ = now;
    if (retrainer_.joinable()) retrainer_.join();
    retraining_ = true;
    retrainer_ = std::thread([this] {
      if (auto st = retrain_(); !st) spdlog::warn("event=recommend_failed error=\"{}\"", st.error().message);
      retraining_ = false;
    });
  }
  return {};
}

// One chunk of a run: the next users of its audience, each given a push
// (delivered, held or expired) or skipped, written with the run's cursor.
Status Scheduler::send_chunk(const store::CampaignRun& run_in, bool& more) {
  more = false;
  MC_TRY(auto c, pushes_.campaign(run_in.campaign_id));
  // Re-read the run: the cursor may have moved since the list was read.
  MC_TRY(auto runs, pushes_.open_runs());
  auto it = std::find_if(runs.begin(), runs.end(), [&](const store::CampaignRun& r) {
    return r.campaign_id == run_in.campaign_id && r.occurrence == run_in.occurrence;
  });
  if (it == runs.end()) return {};
  const store::CampaignRun run = *it;
  const std::int64_t now = clock_.now_ms();
  if (c.state == store::CampaignState::kCancelled || now >= c.expires_at) {
    MC_TRY(auto none, pushes_.write_chunk(run, run.cursor, run.cursor, true, {}, now));
    (void)none;
    return {};
  }
  MC_TRY(auto audience, store::rules::parse_audience(c.audience));
  MC_TRY(auto users, pushes_.audience_after(c, run.cursor, config_.chunk));
  const bool finished = static_cast<int>(users.size()) < config_.chunk;
  if (users.empty()) {
    MC_TRY(auto none, pushes_.write_chunk(run, run.cursor, run.cursor, true, {}, now));
    (void)none;
    return {};
  }

  // Each user's candidates, best first: their own picks for "recommended"
  // (the campaign's resources after them), else the campaign's resources.
  std::map<std::int64_t, std::vector<std::pair<std::string, std::string>>> candidates;  // resource, reason
  std::set<std::string> resource_ids(c.resource_ids.begin(), c.resource_ids.end());
  if (audience.kind == Audience::Kind::kConsumed) resource_ids.insert(audience.value);
  if (audience.kind == Audience::Kind::kRecommended) {
    for (auto u : users) {
      MC_TRY(auto recs, pushes_.recommendations(u));
      for (const auto& r : recs) {
        candidates[u].emplace_back(r.resource_id, r.reason);
        resource_ids.insert(r.resource_id);
      }
    }
  }
  MC_TRY(auto found, catalog_.resources_by_ids({resource_ids.begin(), resource_ids.end()}));
  std::map<std::string, wire::Resource> resources;
  for (auto& r : found) resources.emplace(r.id, std::move(r));
  const std::string shared_reason = audience_reason(audience, resources);
  for (auto u : users) {
    for (const auto& id : c.resource_ids) candidates[u].emplace_back(id, shared_reason);
  }

  MC_TRY(auto targets, pushes_.targets(users, now - kWeekWindowMs, {resource_ids.begin(), resource_ids.end()}));
  std::vector<PushWrite> writes;
  writes.reserve(targets.size());
  for (const auto& t : targets) {
    PushWrite w;
    w.user_id = t.user_id;
    w.state = PushWrite::State::kSkip;
    if (!t.settings.opt_out_all) {
      for (const auto& [id, reason] : candidates[t.user_id]) {
        auto r = resources.find(id);
        if (r == resources.end() || r->second.gone) continue;  // unpublished meanwhile
        if (contains(t.consumed, id) || contains(t.pushed, id) || opted_out(t.settings, r->second)) continue;
        w = decide(t, config_, now, c.expires_at);
        w.resource_id = id;
        w.reason = reason;
        break;
      }
    }
    if (w.state == PushWrite::State::kSkip) w.reason = t.settings.opt_out_all ? "opted_out" : "nothing_left";
    writes.push_back(std::move(w));
  }
  // Written kWritesPerJob users at a time, each write moving the cursor
  // past its own users: shares queued behind one wait for a short write,
  // and the pause after it lets the queue drain.
  std::int64_t cursor = run.cursor;
  for (std::size_t i = 0; i < writes.size(); i += kWritesPerJob) {
    const std::size_t n = std::min(kWritesPerJob, writes.size() - i);
    std::vector<PushWrite> part(writes.begin() + static_cast<std::ptrdiff_t>(i),
                                writes.begin() + static_cast<std::ptrdiff_t>(i + n));
    const bool last = i + n == writes.size();
    const std::int64_t to = last ? users.back() : part.back().user_id;
    auto started = std::chrono::steady_clock::now();
    MC_TRY(auto deliveries, pushes_.write_chunk(run, cursor, to, finished && last, part, now));
    for (const auto& d : deliveries) bus_.publish(d.user_id);
    cursor = to;
    if (!pause_for(std::chrono::steady_clock::now() - started)) return {};
  }
  more = !finished;
  return {};
}

// As long again as a write took, for everyone else's writes: a campaign
// takes at most about half of the single writer. False when stopping.
bool Scheduler::pause_for(std::chrono::steady_clock::duration d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

// Held pushes whose time came: the rules again (a cap may still hold),
// and whether the user meanwhile opted out or got the resource.
Status Scheduler::settle_held() {
  for (;;) {
    const std::int64_t now = clock_.now_ms();
    MC_TRY(auto due, pushes_.due_held(now, config_.chunk));
    if (due.empty()) return {};
    std::vector<std::int64_t> users;
    std::set<std::string> ids;
    for (const auto& p : due) {
      users.push_back(p.user_id);
      ids.insert(p.resource_id);
    }
    MC_TRY(auto targets, pushes_.targets(users, now - kWeekWindowMs, {ids.begin(), ids.end()}));
    MC_TRY(auto found, catalog_.resources_by_ids({ids.begin(), ids.end()}));
    std::map<std::int64_t, store::PushTarget> by_user;
    for (auto& t : targets) by_user.emplace(t.user_id, std::move(t));
    std::map<std::string, wire::Resource> resources;
    for (auto& r : found) resources.emplace(r.id, std::move(r));
    std::vector<std::pair<store::Push, PushWrite>> verdicts;
    std::map<std::int64_t, int> delivering;  // pushes to each user settled in this batch
    for (const auto& p : due) {
      auto& t = by_user[p.user_id];
      PushWrite w;
      w.user_id = p.user_id;
      auto r = resources.find(p.resource_id);
      // (Its own held row counts as pushed: only what the user consumed
      // meanwhile counts here.)
      if (t.settings.opt_out_all || r == resources.end() || r->second.gone || opted_out(t.settings, r->second) ||
          contains(t.consumed, p.resource_id)) {
        w.state = PushWrite::State::kSkip;
      } else {
        // Pushes settled a moment ago in this batch count against the cap.
        auto with_batch = t;
        for (int i = 0; i < delivering[p.user_id]; ++i) with_batch.sent_at.push_back(now);
        w = decide(with_batch, config_, now, p.expires_at);
        if (w.state == PushWrite::State::kDeliver) ++delivering[p.user_id];
      }
      verdicts.emplace_back(p, w);
    }
    MC_TRY(auto deliveries, pushes_.settle_held(verdicts, now));
    for (const auto& d : deliveries) bus_.publish(d.user_id);
    if (static_cast<int>(due.size()) < config_.chunk) return {};
  }
}

}  // namespace mc::push
