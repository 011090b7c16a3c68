// Recommendations (the push service's recommender): `msgcenterd recommend
// eval` on a synthetic interaction log, leave-last-out, four models side by
// side. Targets: EASE's NDCG@10 above item-kNN's and at least twice
// most-popular's, EASE trained in under 120 s at 100,000 users x 10,000
// resources x 5,000,000 interactions. The data set (users with latent tastes
// over typed, tagged resources, long-tailed popularity, drifting tastes) is
// described, parameter by parameter, in bench/recommend_data.md.
// A benchmark reports: a missed target is printed, not an error.
//
//   bench_recommend [--server-binary build/release/msgcenterd] [--users 100000] [--items 10000]
//                   [--interactions 5000000] [--seed 1] [--out DIR] [--keep] [--generate-only]
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

// ---- The model's parameters (bench/recommend_data.md explains each) ----

struct Kind {
  const char* name;
  double share;  // of the catalog, and of an average user's interactions
};
constexpr std::array<Kind, 5> kKinds = {
    {{"music", 0.30}, {"book", 0.25}, {"video", 0.20}, {"article", 0.15}, {"app", 0.10}}};

struct ModelParams {
  int users = 100000;
  int items = 10000;
  long interactions = 5000000;
  std::uint64_t seed = 1;
  int topics = 40;
  int tags_per_topic = 6;
  double topic_skew = 0.7;               // topic t's prior weight is 1 / (t + 1)^topic_skew
  double zipf_exponent = 1.0;            // popularity of the resource ranked r is 1 / r^zipf_exponent
  double secondary_pull = 2.0;           // weight factor 1 + secondary_pull * taste[secondary topic]
  double explore = 0.1;                  // share of picks whose topic comes from the prior, not the taste
  double drift = 0.2;                    // weight the taste moves to a new topic by the end of a history
  double kind_concentration = 5;         // Dirichlet concentration of a user's kind mix around kKinds' shares
  double activity_sigma = 1.0;           // log-normal sigma of interactions per user
  int min_per_user = 3;                  // leave-last-out needs 2; 3 leaves every user 2 to train on
  double max_per_user_share = 0.1;       // no user touches more than this share of the catalog
  std::int64_t window_end = 1719792000;  // 2024-07-01T00:00:00Z: fixed, so that a seed fixes the file
  std::int64_t window_seconds = 180 * 86400;
  int max_per_user() const { return std::max(min_per_user, static_cast<int>(items * max_per_user_share)); }
};

// ---- Randomness of our own: the same seed gives the same files with any standard library ----

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// xoshiro256**; one stream per user, keyed by (seed, user), so that threads
// can generate users in any order and the output stays the same.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t s = seed * 0x2545f4914f6cdd1dull + stream;
    for (auto& word : state_) word = splitmix64(s);
  }
  std::uint64_t next() {
    std::uint64_t result = rotl(state_[1] * 5, 7) * 9, t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }
  double exponential() { return -std::log1p(-uniform()); }
  double normal() { return std::sqrt(2 * exponential()) * std::cos(2 * std::numbers::pi * uniform()); }
  // Marsaglia and Tsang; shape < 1 through Gamma(shape + 1) * U^(1/shape).
  double gamma(double shape) {
    if (shape < 1) return gamma(shape + 1) * std::pow(1 - uniform(), 1 / shape);
    double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    for (;;) {
      double x = normal(), v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      if (std::log(1 - uniform()) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_;
};

// Vose's alias method: O(1) draws from a fixed discrete distribution. It is
// what keeps a pick at a few table lookups instead of a pass over 10,000
// resources (10^9 weight evaluations for the whole log).
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(const std::vector<double>& weights) : probability_(weights.size()), alias_(weights.size()) {
    double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<double> scaled(weights.size());
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      scaled[i] = weights[i] * static_cast<double>(weights.size()) / total;
      (scaled[i] < 1 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      std::uint32_t s = small.back(), l = large.back();
      small.pop_back();
      probability_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] -= 1 - scaled[s];
      if (scaled[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (auto i : large) probability_[i] = 1;
    for (auto i : small) probability_[i] = 1;  // rounding leftovers
  }
  bool empty() const { return probability_.empty(); }
  std::uint32_t sample(Rng& rng) const {
    double u = rng.uniform() * static_cast<double>(probability_.size());
    auto i = static_cast<std::uint32_t>(u);
    return u - i < probability_[i] ? i : alias_[i];
  }

 private:
  std::vector<double> probability_;
  std::vector<std::uint32_t> alias_;
};

// ---- The catalog: resources with a topic, a secondary topic, a kind, tags and a popularity ----

struct Catalog {
  std::vector<double> topic_prior;  // normalised
  AliasTable topic_sampler;
  std::vector<std::uint16_t> topic, secondary;
  std::vector<std::uint8_t> kind;
  std::vector<double> popularity;
  std::vector<std::vector<std::uint8_t>> tags;  // indices into the topic's tag set
  // A shelf is (topic, kind): a user first chooses a shelf by taste, then a
  // resource on it by popularity.
  std::vector<std::vector<std::uint32_t>> shelf_items;
  std::vector<AliasTable> shelf_sampler;
  std::vector<double> shelf_popularity;
  static std::size_t shelf(int topic, int kind) { return static_cast<std::size_t>(topic) * kKinds.size() + kind; }
};

int draw_kind(Rng& rng, const std::array<double, kKinds.size()>& mix) {
  double u = rng.uniform();
  for (std::size_t k = 0; k + 1 < mix.size(); ++k) {
    if ((u -= mix[k]) < 0) return static_cast<int>(k);
  }
  return kKinds.size() - 1;
}

Catalog make_catalog(const ModelParams& p) {
  Rng rng(p.seed, ~0ull);  // the catalog's stream; users take 0..users-1
  Catalog c;
  for (int t = 0; t < p.topics; ++t) c.topic_prior.push_back(std::pow(t + 1.0, -p.topic_skew));
  double prior_total = std::accumulate(c.topic_prior.begin(), c.topic_prior.end(), 0.0);
  for (auto& w : c.topic_prior) w /= prior_total;
  c.topic_sampler = AliasTable(c.topic_prior);
  std::array<double, kKinds.size()> kind_shares;
  for (std::size_t k = 0; k < kKinds.size(); ++k) kind_shares[k] = kKinds[k].share;

  // Popularity ranks are a random permutation: a resource's popularity says
  // nothing about its topic or kind.
  std::vector<std::uint32_t> rank(static_cast<std::size_t>(p.items));
  std::iota(rank.begin(), rank.end(), 0u);
  for (std::size_t i = rank.size(); i > 1; --i) std::swap(rank[i - 1], rank[rng.below(i)]);
  c.shelf_items.resize(static_cast<std::size_t>(p.topics) * kKinds.size());
  for (int i = 0; i < p.items; ++i) {
    int topic = static_cast<int>(c.topic_sampler.sample(rng));
    int secondary = topic;
    while (p.topics > 1 && secondary == topic) secondary = static_cast<int>(c.topic_sampler.sample(rng));
    int kind = draw_kind(rng, kind_shares);
    c.topic.push_back(static_cast<std::uint16_t>(topic));
    c.secondary.push_back(static_cast<std::uint16_t>(secondary));
    c.kind.push_back(static_cast<std::uint8_t>(kind));
    c.popularity.push_back(std::pow(rank[static_cast<std::size_t>(i)] + 1.0, -p.zipf_exponent));
    std::vector<std::uint8_t> tags;
    std::size_t count = std::min<std::size_t>(1 + rng.below(3), static_cast<std::size_t>(p.tags_per_topic));
    while (tags.size() < count) {
      auto tag = static_cast<std::uint8_t>(rng.below(static_cast<std::size_t>(p.tags_per_topic)));
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
    }
    c.tags.push_back(std::move(tags));
    c.shelf_items[Catalog::shelf(topic, kind)].push_back(static_cast<std::uint32_t>(i));
  }
  for (const auto& items : c.shelf_items) {
    std::vector<double> weights;
    for (auto i : items) weights.push_back(c.popularity[i]);
    c.shelf_popularity.push_back(std::accumulate(weights.begin(), weights.end(), 0.0));
    c.shelf_sampler.push_back(items.empty() ? AliasTable() : AliasTable(weights));
  }
  return c;
}

// ---- Users: a taste over 1-3 topics that drifts, a kind mix, an activity level ----

struct Taste {
  struct Topic {
    int topic;
    double start, end;  // weight at the first and at the last interaction
  };
  std::vector<Topic> topics;  // at most 4: 1-3 own topics and the one drifted to
  std::array<double, kKinds.size()> kind_mix;
  double weight(int topic, double progress) const {
    for (const auto& t : topics) {
      if (t.topic == topic) return t.start + progress * (t.end - t.start);
    }
    return 0;
  }
};

Taste draw_taste(const ModelParams& p, const Catalog& c, Rng& rng) {
  Taste taste;
  double u = rng.uniform();
  int own = u < 0.4 ? 1 : (u < 0.8 ? 2 : 3);
  double total = 0;
  while (static_cast<int>(taste.topics.size()) < std::min(own, p.topics)) {
    int topic = static_cast<int>(c.topic_sampler.sample(rng));
    if (taste.weight(topic, 0) > 0) continue;
    double w = rng.exponential();  // Dirichlet(1, ..., 1) once normalised
    taste.topics.push_back({topic, w, 0});
    total += w;
  }
  for (auto& t : taste.topics) t.end = (t.start /= total) * (1 - p.drift);
  int drifted_to = static_cast<int>(c.topic_sampler.sample(rng));
  auto same = std::find_if(taste.topics.begin(), taste.topics.end(), [&](auto& t) { return t.topic == drifted_to; });
  if (same != taste.topics.end()) same->end += p.drift;
  else taste.topics.push_back({drifted_to, 0, p.drift});
  double kind_total = 0;
  for (std::size_t k = 0; k < kKinds.size(); ++k) {
    kind_total += taste.kind_mix[k] = rng.gamma(p.kind_concentration * kKinds[k].share);
  }
  for (auto& w : taste.kind_mix) w /= kind_total;
  return taste;
}

// Interactions per user: log-normal, clamped to [min, max], scaled so that
// the total is exactly the requested count.
std::vector<int> activity_levels(const ModelParams& p) {
  long lowest = static_cast<long>(p.users) * p.min_per_user, highest = static_cast<long>(p.users) * p.max_per_user();
  if (p.interactions < lowest || p.interactions > highest) {
    throw std::runtime_error("--interactions must be between " + std::to_string(lowest) + " and " +
                             std::to_string(highest) + " for these users and items");
  }
  Rng rng(p.seed, ~1ull);
  std::vector<double> raw;
  for (int u = 0; u < p.users; ++u) raw.push_back(std::exp(p.activity_sigma * rng.normal()));
  std::vector<int> counts(raw.size());
  auto fill = [&](double scale) {
    long total = 0;
    for (std::size_t u = 0; u < raw.size(); ++u) {
      counts[u] = static_cast<int>(std::clamp(std::llround(scale * raw[u]), static_cast<long long>(p.min_per_user),
                                              static_cast<long long>(p.max_per_user())));
      total += counts[u];
    }
    return total;
  };
  // The smallest scale that reaches the total; then trim the few extra that
  // a rounding step adds, one interaction per user.
  double low = 0, high = 1;
  while (fill(high) < p.interactions) high *= 2;
  for (int i = 0; i < 100; ++i) (fill((low + high) / 2) < p.interactions ? low : high) = (low + high) / 2;
  long extra = fill(high) - p.interactions;
  for (std::size_t u = 0; extra > 0; u = (u + 1) % counts.size()) {
    if (counts[u] > p.min_per_user) --counts[u], --extra;
  }
  return counts;
}

// One user's history, in time order. A pick: the topic from the drifted taste
// (or, with probability `explore`, from the prior), the kind from the user's
// kind mix, a resource on that shelf by popularity, kept with probability
// (1 + pull * taste[secondary]) / (1 + pull * max taste) and if not yet seen.
// Rejection makes that exact without weighing every resource; when a user has
// used up the shelves they like, the pick weighs every unseen resource once.
class HistoryWriter {
 public:
  HistoryWriter(const ModelParams& p, const Catalog& c)
      : p_(p), c_(c), seen_(static_cast<std::size_t>(p.items)), counts_(static_cast<std::size_t>(p.items)) {}

  void write_user(int user, int count, std::string& out) {
    Rng rng(p_.seed, static_cast<std::uint64_t>(user));
    Taste taste = draw_taste(p_, c_, rng);
    std::int64_t time = p_.window_end - p_.window_seconds + static_cast<std::int64_t>(rng.below(p_.window_seconds));
    double mean_gap = static_cast<double>(p_.window_end - time) / (count + 1);
    std::vector<std::uint32_t> picked;
    for (int j = 0; j < count; ++j) {
      double progress = count > 1 ? static_cast<double>(j) / (count - 1) : 1;
      std::uint32_t item = pick(taste, progress, rng);
      seen_[item] = 1;
      ++counts_[item];
      picked.push_back(item);
      time += std::max<std::int64_t>(1, std::llround(rng.exponential() * mean_gap));
      append_line(out, user, item, time);
    }
    for (auto item : picked) seen_[item] = 0;
  }
  const std::vector<std::uint32_t>& item_counts() const { return counts_; }

 private:
  static constexpr int kTries = 64;

  std::uint32_t pick(const Taste& taste, double progress, Rng& rng) {
    double strongest = 0;
    for (const auto& t : taste.topics) strongest = std::max(strongest, taste.weight(t.topic, progress));
    for (int attempt = 0; attempt < kTries; ++attempt) {
      int topic = rng.uniform() < p_.explore ? static_cast<int>(c_.topic_sampler.sample(rng))
                                             : taste_topic(taste, progress, rng);
      std::size_t shelf = Catalog::shelf(topic, draw_kind(rng, taste.kind_mix));
      if (c_.shelf_items[shelf].empty()) continue;
      std::uint32_t item = c_.shelf_items[shelf][c_.shelf_sampler[shelf].sample(rng)];
      if (seen_[item]) continue;
      double keep =
          (1 + p_.secondary_pull * taste.weight(c_.secondary[item], progress)) / (1 + p_.secondary_pull * strongest);
      if (rng.uniform() < keep) return item;
    }
    return pick_exactly(taste, progress, rng);
  }

  static int taste_topic(const Taste& taste, double progress, Rng& rng) {
    double u = rng.uniform();
    for (const auto& t : taste.topics) {
      if ((u -= taste.weight(t.topic, progress)) < 0) return t.topic;
    }
    return taste.topics.back().topic;
  }

  // The same distribution as pick(), weighed over every unseen resource.
  std::uint32_t pick_exactly(const Taste& taste, double progress, Rng& rng) {
    std::vector<double> weights(static_cast<std::size_t>(p_.items));
    double total = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (seen_[i]) continue;
      std::size_t shelf = Catalog::shelf(c_.topic[i], c_.kind[i]);
      double topic = (1 - p_.explore) * taste.weight(c_.topic[i], progress) + p_.explore * c_.topic_prior[c_.topic[i]];
      total += weights[i] = topic * taste.kind_mix[c_.kind[i]] * c_.popularity[i] / c_.shelf_popularity[shelf] *
                            (1 + p_.secondary_pull * taste.weight(c_.secondary[i], progress));
    }
    double u = rng.uniform() * total;
    std::size_t last_unseen = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (seen_[i]) continue;
      last_unseen = i;
      if ((u -= weights[i]) < 0) break;
    }
    return static_cast<std::uint32_t>(last_unseen);
  }

  static void append_line(std::string& out, int user, std::uint32_t item, std::int64_t time) {
    out += 'u';
    append_number(out, user);
    out += ",r";
    append_number(out, item);
    out += ',';
    append_number(out, time);
    out += '\n';
  }
  static void append_number(std::string& out, std::int64_t n) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
  }

  const ModelParams& p_;
  const Catalog& c_;
  std::vector<std::uint8_t> seen_;     // this user's resources so far
  std::vector<std::uint32_t> counts_;  // interactions per resource, for the summary
};

struct DataSet {
  std::string events_path, resources_path;
  double seconds = 0;
  std::vector<std::uint32_t> item_counts;
  std::vector<int> user_counts;
};

void write_resources(const std::string& path, const Catalog& c) {
  std::ofstream out(path);
  out << "id,kind,tags\n";
  for (std::size_t i = 0; i < c.kind.size(); ++i) {
    out << 'r' << i << ',' << kKinds[c.kind[i]].name << ',';
    for (std::size_t t = 0; t < c.tags[i].size(); ++t) {
      char tag[16];
      std::snprintf(tag, sizeof tag, "%st%02d-%d", t ? "|" : "", c.topic[i], c.tags[i][t]);
      out << tag;
    }
    out << '\n';
  }
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

// Users in batches, each batch split across the cores; a batch's text is
// written in user order, so the file does not depend on the thread count.
DataSet generate(const ModelParams& p, const std::string& dir) {
  auto start = Clock::now();
  DataSet d;
  d.events_path = dir + "/interactions.csv";
  d.resources_path = dir + "/resources.csv";
  Catalog catalog = make_catalog(p);
  write_resources(d.resources_path, catalog);
  d.user_counts = activity_levels(p);
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<HistoryWriter> writers(static_cast<std::size_t>(threads), HistoryWriter(p, catalog));
  std::vector<std::string> texts(static_cast<std::size_t>(threads));
  std::FILE* out = std::fopen(d.events_path.c_str(), "w");
  if (!out) throw std::runtime_error("cannot write " + d.events_path);
  std::fputs("user,item,timestamp\n", out);
  constexpr int kBatch = 8192;
  for (int first = 0; first < p.users; first += kBatch) {
    int last = std::min(p.users, first + kBatch), per_thread = (last - first + threads - 1) / threads;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        texts[t].clear();
        for (int u = first + t * per_thread; u < std::min(last, first + (t + 1) * per_thread); ++u) {
          writers[t].write_user(u, d.user_counts[static_cast<std::size_t>(u)], texts[t]);
        }
      });
    }
    for (auto& w : workers) w.join();
    for (const auto& text : texts) std::fwrite(text.data(), 1, text.size(), out);
  }
  if (std::fclose(out) != 0) throw std::runtime_error("cannot write " + d.events_path);
  d.item_counts.assign(static_cast<std::size_t>(p.items), 0);
  for (const auto& w : writers) {
    for (std::size_t i = 0; i < d.item_counts.size(); ++i) d.item_counts[i] += w.item_counts()[i];
  }
  d.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return d;
}

void print_data_set(const DataSet& d, long interactions) {
  auto items = d.item_counts;
  std::sort(items.begin(), items.end(), std::greater<>());
  auto share_of_top = [&](double fraction) {
    auto n = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(fraction * items.size())));
    return 100.0 * std::accumulate(items.begin(), items.begin() + n, 0.0) / interactions;
  };
  auto users = d.user_counts;
  std::sort(users.begin(), users.end());
  std::printf("data set: %zu users, %zu resources, %ld interactions, generated in %.1f s\n", users.size(), items.size(),
              interactions, d.seconds);
  std::printf("  %s (%.1f MB)\n  %s\n", d.events_path.c_str(), fs::file_size(d.events_path) / 1e6,
              d.resources_path.c_str());
  std::printf("  interactions per user: mean %.1f, median %d, max %d\n",
              static_cast<double>(interactions) / users.size(), users[users.size() / 2], users.back());
  std::printf("  interactions on the top 1%% of resources: %.1f%%, top 10%%: %.1f%%; resources never touched: %zu\n",
              share_of_top(0.01), share_of_top(0.10),
              static_cast<std::size_t>(std::count(items.begin(), items.end(), 0u)));
}

// ---- The evaluation: run msgcenterd, read its JSON, print the table and the targets ----

struct ModelScore {
  std::string name;
  double hr = 0, ndcg = 0, coverage = 0, train_seconds = 0, memory_bytes = 0;
};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

// Its standard output; nullopt when it could not run or failed (its standard
// error reaches the reader as is).
std::optional<std::string> run_capture(const std::string& command) {
  std::FILE* p = ::popen(command.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (::pclose(p) != 0) return std::nullopt;
  return out;
}

double number(const json::object& o, const char* key) { return o.at(key).to_number<double>(); }

void print_ratio(const std::vector<ModelScore>& scores, const char* other, const char* target) {
  auto find = [&](const std::string& name) {
    auto it = std::find_if(scores.begin(), scores.end(), [&](auto& s) { return s.name == name; });
    return it == scores.end() ? nullptr : &*it;
  };
  const ModelScore *ease = find("ease"), *reference = find(other);
  if (ease && reference && reference->ndcg > 0) {
    std::printf("ease vs %s NDCG@10: %.2f (target %s)\n", other, ease->ndcg / reference->ndcg, target);
  } else {
    std::printf("ease vs %s NDCG@10: n/a, a model is missing or scored 0 (target %s)\n", other, target);
  }
}

// False when msgcenterd failed or did not answer as agreed.
bool evaluate(const std::string& binary, const std::string& events_path) {
  std::string command = shell_quote(binary) + " recommend eval --events " + shell_quote(events_path) + " --json";
  auto start = Clock::now();
  auto out = run_capture(command);
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (!out) {
    std::fprintf(stderr, "failed: %s\n", command.c_str());
    return false;
  }
  std::vector<ModelScore> scores;
  try {
    auto answer = json::parse(*out).as_object();
    std::printf("\nmsgcenterd recommend eval: %lld users, %lld items, %.1f s wall time\n",
                answer.at("users").to_number<long long>(), answer.at("items").to_number<long long>(), wall);
    for (const auto& m : answer.at("models").as_array()) {
      const auto& o = m.as_object();
      scores.push_back({json::value_to<std::string>(o.at("name")), number(o, "hr@10"), number(o, "ndcg@10"),
                        number(o, "coverage"), number(o, "train_seconds"), number(o, "memory_bytes")});
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "msgcenterd's answer is not the agreed JSON (%s):\n%s\n", e.what(), out->c_str());
    return false;
  }
  std::printf("\n%-14s %8s %8s %9s %9s %11s\n", "model", "HR@10", "NDCG@10", "coverage", "train s", "memory MiB");
  for (const auto& s : scores) {
    std::printf("%-14s %8.4f %8.4f %9.4f %9.2f %11.1f\n", s.name.c_str(), s.hr, s.ndcg, s.coverage, s.train_seconds,
                s.memory_bytes / (1024.0 * 1024.0));
  }
  std::printf("\n");
  print_ratio(scores, "item-knn", "> 1");
  print_ratio(scores, "most-popular", ">= 2");
  auto ease = std::find_if(scores.begin(), scores.end(), [](auto& s) { return s.name == "ease"; });
  if (ease != scores.end()) std::printf("ease training: %.1f s (target < 120 s)\n", ease->train_seconds);
  else std::printf("ease training: n/a, not in the output (target < 120 s)\n");
  return true;
}

// The output directory: --out's, kept; or a fresh temporary one, removed at
// the end unless --keep (or --generate-only, whose point is the files).
class OutputDir {
 public:
  OutputDir(const std::string& requested, bool keep) : keep_(keep || !requested.empty()) {
    if (!requested.empty()) {
      path_ = fs::absolute(requested).string();
      fs::create_directories(path_);
      return;
    }
    std::string pattern = (fs::temp_directory_path() / "bench-recommend-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed in " + pattern);
    path_ = pattern;
  }
  ~OutputDir() {
    std::error_code ignored;
    if (!keep_) fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  bool keep_;
  std::string path_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd", out_dir;
  bool keep = false, generate_only = false;
  ModelParams p;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--keep") {
        keep = true;
        continue;
      }
      if (a == "--generate-only") {
        generate_only = true;
        continue;
      }
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      std::string v = argv[++i];
      if (a == "--server-binary") binary = v;
      else if (a == "--users") p.users = std::stoi(v);
      else if (a == "--items") p.items = std::stoi(v);
      else if (a == "--interactions") p.interactions = std::stol(v);
      else if (a == "--seed") p.seed = std::stoull(v);
      else if (a == "--out") out_dir = v;
      else throw std::invalid_argument("unknown flag " + a);
    }
    if (p.users < 1 || p.items < 1) throw std::invalid_argument("--users and --items must be positive");
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "%s\nusage: bench_recommend [--server-binary PATH] [--users N] [--items M] [--interactions K] "
                 "[--seed S] [--out DIR] [--keep] [--generate-only]\n",
                 e.what());
    return 2;
  }
  try {
    OutputDir dir(out_dir, keep || generate_only);
    DataSet data = generate(p, dir.path());
    print_data_set(data, p.interactions);
    if (generate_only) return 0;
    return evaluate(binary, data.events_path) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_recommend: %s\n", e.what());
    return 1;
  }
}
