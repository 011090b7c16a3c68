#include "core/recommend/recommender.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace mc::recommend {

namespace {

// Tags and kinds share one index of labels; the prefix keeps a tag "video"
// apart from a kind "video".
std::string tag_label(const std::string& tag) { return "t:" + tag; }
std::string kind_label(const std::string& kind) { return "k:" + kind; }

// An item's affinity leans on its best tag: a kind alone ("article") is
// shared by most of what a user reads and says little.
constexpr float kKindShare = 0.3f;
constexpr float kTagShare = 0.7f;
// Popularity breaks ties between items the rest scores alike (every item,
// for a user whose positives are all in one cluster), far below any
// EASE or affinity difference that matters.
constexpr float kPopularityWeight = 1e-3f;

struct Candidate {
  float score;
  std::uint32_t item;
};

Reason because_reason(std::string item) {
  Reason r;
  r.kind = Reason::Kind::kBecause;
  r.item = std::move(item);
  return r;
}

Reason affinity_reason(std::string label, bool is_kind) {
  Reason r;
  r.kind = Reason::Kind::kAffinity;
  r.label = std::move(label);
  r.label_is_kind = is_kind;
  return r;
}

Reason popular_reason() {
  Reason r;
  r.kind = Reason::Kind::kPopular;
  return r;
}

bool better(const Candidate& a, const Candidate& b) { return a.score != b.score ? a.score > b.score : a.item < b.item; }

}  // namespace

Result<Recommender> Recommender::train(std::vector<ItemFeatures> catalog, std::span<const UserHistory> histories,
                                       const RecommendOptions& options) {
  Recommender r;
  r.options_ = options;
  r.catalog_ = std::move(catalog);
  const std::size_t n = r.catalog_.size();
  r.items_.reserve(n);
  r.item_tags_.resize(n);
  r.item_kind_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const ItemFeatures& f = r.catalog_[i];
    if (r.items_.intern(f.id) != i) {
      return Error::invalid_argument("duplicate_item", "two catalog items have the id \"" + f.id + "\"");
    }
    r.item_kind_[i] = r.labels_.intern(kind_label(f.kind));
    for (const std::string& tag : f.tags) r.item_tags_[i].push_back(r.labels_.intern(tag_label(tag)));
    std::sort(r.item_tags_[i].begin(), r.item_tags_[i].end());
    r.item_tags_[i].erase(std::unique(r.item_tags_[i].begin(), r.item_tags_[i].end()), r.item_tags_[i].end());
  }

  std::vector<Interaction> triplets;
  for (std::size_t u = 0; u < histories.size(); ++u) {
    for (const auto& [id, weight] : histories[u].positives) {
      if (!(weight > 0)) continue;
      if (auto item = r.items_.find(id)) triplets.push_back({static_cast<std::uint32_t>(u), *item, weight});
    }
  }
  Interactions data = Interactions::from_triplets(histories.size(), n, triplets);
  r.popularity_ = data.positive_user_counts();
  r.by_popularity_.resize(n);
  for (std::size_t i = 0; i < n; ++i) r.by_popularity_[i] = static_cast<std::uint32_t>(i);
  std::sort(r.by_popularity_.begin(), r.by_popularity_.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (r.popularity_[a] != r.popularity_[b]) return r.popularity_[a] > r.popularity_[b];
    if (r.catalog_[a].created_at != r.catalog_[b].created_at)
      return r.catalog_[a].created_at > r.catalog_[b].created_at;
    return a < b;
  });

  r.ease_ = EaseModel(EaseModel::Options{.lambda = options.lambda});
  MC_TRY_STATUS(r.ease_.train(data));
  return r;
}

std::vector<Pick> Recommender::popular(const std::vector<unsigned char>& excluded) const {
  std::vector<Pick> picks;
  for (std::uint32_t i : by_popularity_) {
    if (picks.size() >= options_.per_user) break;
    if (excluded[i]) continue;
    picks.push_back({catalog_[i].id, static_cast<float>(popularity_[i]), popular_reason()});
  }
  return picks;
}

std::vector<Pick> Recommender::recommend(const UserHistory& user) const {
  const std::size_t n = catalog_.size();
  std::vector<unsigned char> excluded(n, 0);
  std::vector<unsigned char> not_interested(n, 0);
  for (const std::string& id : user.exclude) {
    if (auto i = items_.find(id)) excluded[*i] = 1;
  }
  for (const std::string& id : user.not_interested) {
    if (auto i = items_.find(id)) excluded[*i] = not_interested[*i] = 1;
  }
  // Not interested wins over a positive on the same item: it is the later word.
  std::vector<std::pair<std::uint32_t, float>> positive_entries;
  for (const auto& [id, weight] : user.positives) {
    auto i = items_.find(id);
    if (!i) continue;
    excluded[*i] = 1;
    if (weight > 0 && !not_interested[*i]) positive_entries.emplace_back(*i, weight);
  }
  if (positive_entries.empty()) return popular(excluded);

  OwnedRow positives(positive_entries);
  std::vector<std::pair<std::uint32_t, float>> history_entries = positive_entries;
  for (std::size_t i = 0; i < n; ++i) {
    if (not_interested[i]) history_entries.emplace_back(static_cast<std::uint32_t>(i), -options_.not_interested_weight);
  }
  OwnedRow history(std::move(history_entries));
  std::vector<float> ease(n);
  ease_.score(history.view(), ease);

  // Shares of the user's positives per label.
  std::vector<float> share(labels_.size(), 0.0f);
  const std::size_t positive_count = positives.view().size();
  for (std::uint32_t i : positives.view().items) {
    share[item_kind_[i]] += 1;
    for (std::uint32_t t : item_tags_[i]) share[t] += 1;
  }
  for (float& v : share) v /= static_cast<float>(positive_count);

  float ease_scale = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!excluded[i]) ease_scale = std::max(ease_scale, std::abs(ease[i]));
  }
  const float ease_norm = ease_scale > 0 ? 1.0f / ease_scale : 0.0f;
  const float max_popularity = by_popularity_.empty() ? 0.0f : static_cast<float>(popularity_[by_popularity_[0]]);
  const float popularity_norm = max_popularity > 0 ? kPopularityWeight / max_popularity : 0.0f;
  const float user_weight =
      positive_count < kFewPositives ? options_.cold_user_affinity_weight : options_.affinity_weight;

  struct Parts {
    float ease = 0;
    float affinity = 0;
    std::uint32_t label = 0;
  };
  auto parts = [&](std::uint32_t i) {
    Parts p;
    p.ease = ease[i] * ease_norm;
    float best_tag = 0;
    std::uint32_t best_tag_label = 0;
    for (std::uint32_t t : item_tags_[i]) {
      if (share[t] > best_tag) best_tag = share[t], best_tag_label = t;
    }
    const float kind = share[item_kind_[i]];
    const float weight = popularity_[i] == 0 ? std::max(user_weight, options_.new_item_affinity_weight) : user_weight;
    p.affinity = weight * (kKindShare * kind + kTagShare * best_tag);
    p.label = kTagShare * best_tag >= kKindShare * kind && best_tag > 0 ? best_tag_label : item_kind_[i];
    return p;
  };

  std::vector<Candidate> candidates;
  candidates.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (excluded[i]) continue;
    Parts p = parts(i);
    candidates.push_back({p.ease + p.affinity + popularity_norm * static_cast<float>(popularity_[i]), i});
  }
  const std::size_t count = std::min(options_.per_user, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count), candidates.end(),
                    better);

  std::vector<Pick> picks;
  picks.reserve(count);
  for (std::size_t c = 0; c < count; ++c) {
    const std::uint32_t i = candidates[c].item;
    Parts p = parts(i);
    Pick pick;
    pick.item = catalog_[i].id;
    pick.score = candidates[c].score;
    std::optional<std::uint32_t> because;
    if (p.ease > 0) because = ease_.explain(positives.view(), i);
    if (because && p.ease >= p.affinity) {
      pick.reason = because_reason(catalog_[*because].id);
    } else if (p.affinity > 0) {
      const std::string& label = labels_.id(p.label);
      pick.reason = affinity_reason(label.substr(2), label[0] == 'k');
    } else if (because) {
      pick.reason = because_reason(catalog_[*because].id);
    } else {
      pick.reason = popular_reason();
    }
    picks.push_back(std::move(pick));
  }
  return picks;
}

Result<std::vector<UserPicks>> recommend_all(std::vector<ItemFeatures> catalog, std::span<const UserHistory> histories,
                                             const RecommendOptions& options) {
  MC_TRY(Recommender recommender, Recommender::train(std::move(catalog), histories, options));
  std::vector<UserPicks> out(histories.size());
  const auto count = static_cast<std::ptrdiff_t>(histories.size());
#pragma omp parallel for schedule(dynamic, 16)
  for (std::ptrdiff_t u = 0; u < count; ++u) {
    const auto k = static_cast<std::size_t>(u);
    out[k] = {histories[k].user, recommender.recommend(histories[k])};
  }
  return out;
}

}  // namespace mc::recommend
