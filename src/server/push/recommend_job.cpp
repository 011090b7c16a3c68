#include "server/push/recommend_job.hpp"

#include <chrono>
#include <map>
#include <unordered_map>

#include "core/recommend/recommender.hpp"

namespace mc::push {

namespace {

// How much each signal says the user wants the resource. A user's weight
// for a resource is the strongest of their signals on it.
float weight_of(const std::string& kind) {
  if (kind == "shared" || kind == "forwarded") return 4;
  if (kind == "downloaded" || kind == "opened") return 3;
  if (kind == "push_opened") return 2;
  if (kind == "viewed") return 1;
  return 0;  // push_dismissed says "not now", not "not this"
}

std::string_view verb_of(const std::string& kind) {
  if (kind == "viewed") return "looked at";
  if (kind == "push_opened") return "opened";
  return kind;  // downloaded, opened, shared, forwarded
}

struct UserSignals {
  std::map<std::string, std::pair<float, std::string>> best;  // resource -> weight, signal kind
  std::vector<std::string> not_interested;
};

// Users per write of their picks: a write holds the single writer, and
// shares queue behind it.
constexpr std::size_t kUsersPerWrite = 1000;

}  // namespace

Result<RecommendReport> run_recommender(store::PushStore& pushes, store::CatalogStore& catalog, std::int64_t now_ms,
                                        int window_days, int per_user) {
  RecommendReport report;
  // The catalog as it is now (unpublished resources are never picked).
  std::vector<recommend::ItemFeatures> items;
  std::unordered_map<std::string, std::string> titles;
  for (std::int64_t after = 0;;) {
    MC_TRY(auto page, catalog.list_resources(std::nullopt, after, 1000));
    for (const auto& r : page.resources) {
      items.push_back({r.id, r.type, r.tags, r.created_at});
      titles[r.id] = r.title;
    }
    if (!page.next_after) break;
    after = *page.next_after;
  }
  report.resources = static_cast<std::int64_t>(items.size());

  std::map<std::int64_t, UserSignals> users;
  MC_TRY_STATUS(pushes.scan_signals(now_ms - std::int64_t{window_days} * 86400000, [&](const store::Signal& s) {
    ++report.signals;
    auto& u = users[s.user_id];
    if (s.kind == "not_interested") {
      u.not_interested.push_back(s.resource_id);
      return;
    }
    float w = weight_of(s.kind);
    if (w <= 0) return;
    auto& best = u.best[s.resource_id];
    if (w > best.first) best = {w, s.kind};
  }));

  std::vector<recommend::UserHistory> histories;
  histories.reserve(users.size());
  for (const auto& [id, u] : users) {
    recommend::UserHistory h;
    h.user = std::to_string(id);
    for (const auto& [resource, best] : u.best) h.positives.emplace_back(resource, best.first);
    h.not_interested = u.not_interested;
    histories.push_back(std::move(h));
  }
  recommend::RecommendOptions options;
  options.per_user = static_cast<std::size_t>(per_user);
  auto started = std::chrono::steady_clock::now();
  MC_TRY(auto all, recommend::recommend_all(std::move(items), histories, options));
  report.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::vector<std::pair<std::int64_t, std::vector<store::Recommendation>>> batch;
  for (const auto& picks : all) {
    const std::int64_t user_id = std::stoll(picks.user);
    const auto& signals = users[user_id];
    std::vector<store::Recommendation> recs;
    for (const auto& p : picks.picks) {
      std::string reason;
      switch (p.reason.kind) {
        case recommend::Reason::Kind::kBecause: {
          auto it = signals.best.find(p.reason.item);
          std::string verb = it != signals.best.end() ? std::string(verb_of(it->second.second)) : "liked";
          reason = "because you " + verb + " \"" + titles[p.reason.item] + "\"";
          break;
        }
        case recommend::Reason::Kind::kAffinity:
          reason = p.reason.label_is_kind ? "new in the " + p.reason.label + " kind you read"
                                          : "new in " + p.reason.label + " you read";
          break;
        case recommend::Reason::Kind::kPopular:
          reason = "popular now";
          break;
      }
      recs.push_back(store::Recommendation{p.item, p.score, std::move(reason)});
    }
    batch.emplace_back(user_id, std::move(recs));
    if (batch.size() >= kUsersPerWrite) {
      MC_TRY_STATUS(pushes.replace_recommendations(batch, now_ms));
      report.users += static_cast<std::int64_t>(batch.size());
      batch.clear();
    }
  }
  if (!batch.empty()) {
    MC_TRY_STATUS(pushes.replace_recommendations(batch, now_ms));
    report.users += static_cast<std::int64_t>(batch.size());
  }
  return report;
}

}  // namespace mc::push
