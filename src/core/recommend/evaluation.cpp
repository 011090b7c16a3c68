#include "core/recommend/evaluation.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

namespace mc::recommend {

namespace {

// ---- the CSV reader -----------------------------------------------------------

std::string line_prefix(std::size_t line) { return "line " + std::to_string(line) + ": "; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A trimmed field without its quotes. Only a field with "" inside needs a
// copy, made into `scratch`.
std::string_view unquote(std::string_view field, std::string& scratch) {
  field = trim(field);
  if (field.size() < 2 || field.front() != '"' || field.back() != '"') return field;
  field = field.substr(1, field.size() - 2);
  if (field.find("\"\"") == std::string_view::npos) return field;
  scratch.clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    scratch.push_back(field[i]);
    if (field[i] == '"' && i + 1 < field.size() && field[i + 1] == '"') ++i;
  }
  return scratch;
}

std::optional<double> parse_timestamp(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

Error too_long(std::size_t line) {
  return Error::too_large("events_line_too_long",
                          line_prefix(line) + "line longer than " + std::to_string(kMaxEventLineBytes) + " bytes");
}

class EventsReader {
 public:
  // One line without its line end. Errors stop the read.
  Status line(std::string_view text) {
    ++line_;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.size() > kMaxEventLineBytes) return too_long(line_);
    if (trim(text).empty()) return {};

    // Split on commas outside double quotes.
    std::string_view fields[3];
    std::size_t count = 0, start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (i == text.size() || (text[i] == ',' && !quoted)) {
        if (count < 3) fields[count] = text.substr(start, i - start);
        ++count;
        start = i + 1;
      } else if (text[i] == '"') {
        quoted = !quoted;
      }
    }
    if (count != 3) {
      return Error::invalid_argument("events_columns", line_prefix(line_) +
                                                           "expected 3 fields (user,item,timestamp), found " +
                                                           std::to_string(count));
    }
    std::string_view user = unquote(fields[0], user_scratch_);
    std::string_view item = unquote(fields[1], item_scratch_);
    std::string_view stamp = unquote(fields[2], stamp_scratch_);
    std::optional<double> ts = parse_timestamp(stamp);
    const bool first = !seen_line_;
    seen_line_ = true;
    if (!ts) {
      if (first) return {};  // the header
      std::string shown(stamp.substr(0, 40));
      if (stamp.size() > 40) shown += "...";
      return Error::invalid_argument("events_timestamp",
                                     line_prefix(line_) + "timestamp \"" + shown + "\" is not a number");
    }
    if (user.empty() || item.empty()) {
      return Error::invalid_argument("events_columns",
                                     line_prefix(line_) + "empty " + (user.empty() ? "user" : "item") + " id");
    }
    log_.events.push_back({log_.users.intern(user), log_.items.intern(item), *ts});
    return {};
  }

  // The line the next call to line() reads.
  std::size_t next_line() const { return line_ + 1; }

  EventLog take() && { return std::move(log_); }
  bool empty() const { return log_.events.empty(); }

 private:
  EventLog log_;
  std::size_t line_ = 0;
  bool seen_line_ = false;
  std::string user_scratch_, item_scratch_, stamp_scratch_;
};

Error unreadable(const std::string& path, int err) {
  std::string message = "cannot read " + path + ": " + std::strerror(err);
  if (err == ENOENT) return Error::not_found("events_unreadable", std::move(message));
  if (err == EACCES || err == EPERM) return Error::permission_denied("events_unreadable", std::move(message));
  return Error::unavailable("events_unreadable", std::move(message));
}

// ---- ranking ------------------------------------------------------------------

struct Ranked {
  float score;
  std::uint32_t item;
};

// Higher score first; equal scores: lower index first.
bool ahead(float sa, std::uint32_t a, float sb, std::uint32_t b) { return sa > sb || (sa == sb && a < b); }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::size_t peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;  // Linux: kilobytes
}

}  // namespace

Result<EventLog> read_events_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unreadable(path, errno);

  // A window over the file: complete lines are parsed where they lie, and
  // the partial line at the end moves to the front before the next read.
  // The partial line is at most kMaxEventLineBytes + 1 bytes (longer is an
  // error at once), so the window never grows and nothing is read twice.
  constexpr std::size_t kChunk = 1 << 20;
  std::vector<char> buffer(kChunk + kMaxEventLineBytes + 2);
  EventsReader reader;
  std::size_t have = 0;  // bytes of the partial line at the front
  Status status;
  for (;;) {
    ssize_t got = ::read(fd, buffer.data() + have, buffer.size() - have);
    if (got < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return unreadable(path, err);
    }
    if (got == 0) break;
    std::size_t end = have + static_cast<std::size_t>(got);
    std::size_t start = 0;
    while (const char* nl = static_cast<const char*>(std::memchr(buffer.data() + start, '\n', end - start))) {
      auto at = static_cast<std::size_t>(nl - buffer.data());
      status = reader.line(std::string_view(buffer.data() + start, at - start));
      if (!status) break;
      start = at + 1;
    }
    if (!status) break;
    have = end - start;
    std::memmove(buffer.data(), buffer.data() + start, have);
    // +1: a line of exactly the limit may still be followed by its '\r'.
    // A line already over the limit is refused before the rest of it is read.
    if (have > kMaxEventLineBytes + 1) {
      status = too_long(reader.next_line());
      break;
    }
  }
  ::close(fd);
  if (status && have > 0) status = reader.line(std::string_view(buffer.data(), have));
  if (!status) return std::move(status).error();
  if (reader.empty()) return Error::invalid_argument("events_empty", "no interactions in " + path);
  return std::move(reader).take();
}

LeaveLastOutSplit split_leave_last_out(const EventLog& log) {
  const std::size_t num_users = log.users.size();
  struct Entry {
    std::uint32_t item;
    double timestamp;
    std::size_t seq;  // position in the file
  };
  // Group by user (counting sort keeps file order inside a user).
  std::vector<std::size_t> start(num_users + 1, 0);
  for (const Event& e : log.events) ++start[e.user + 1];
  for (std::size_t u = 0; u < num_users; ++u) start[u + 1] += start[u];
  std::vector<Entry> entries(log.events.size());
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t s = 0; s < log.events.size(); ++s) {
      const Event& e = log.events[s];
      entries[next[e.user]++] = {e.item, e.timestamp, s};
    }
  }

  LeaveLastOutSplit split;
  std::vector<Interaction> train;
  train.reserve(log.events.size());
  auto later = [](const Entry& a, const Entry& b) {
    return a.timestamp != b.timestamp ? a.timestamp > b.timestamp : a.seq > b.seq;
  };
  for (std::size_t u = 0; u < num_users; ++u) {
    auto first = entries.begin() + static_cast<std::ptrdiff_t>(start[u]);
    auto last = entries.begin() + static_cast<std::ptrdiff_t>(start[u + 1]);
    // Per item, the latest occurrence first; then keep only that one.
    std::sort(first, last,
              [&](const Entry& a, const Entry& b) { return a.item != b.item ? a.item < b.item : later(a, b); });
    last = std::unique(first, last, [](const Entry& a, const Entry& b) { return a.item == b.item; });
    const auto user = static_cast<std::uint32_t>(u);
    auto held = last;
    if (last - first >= 2) held = std::min_element(first, last, later);  // the latest
    for (auto it = first; it != last; ++it) {
      if (it != held) train.push_back({user, it->item, 1.0f});
    }
    if (held != last) split.held_out.push_back({user, held->item});
  }
  split.train = Interactions::from_triplets(num_users, log.items.size(), train);
  return split;
}

RankingMetrics rank_held_out(const Model& model, const LeaveLastOutSplit& split, std::size_t k) {
  const std::size_t n = split.train.num_items();
  const auto users = static_cast<std::ptrdiff_t>(split.held_out.size());
  std::vector<unsigned char> covered(n, 0);
  double hits = 0, gain = 0;
  constexpr float kExcluded = -std::numeric_limits<float>::infinity();
#pragma omp parallel reduction(+ : hits, gain)
  {
    std::vector<float> scores(n);
    std::vector<unsigned char> my_covered(n, 0);
    std::vector<Ranked> top;
    top.reserve(k + 1);
#pragma omp for schedule(dynamic, 64)
    for (std::ptrdiff_t h = 0; h < users; ++h) {
      const HeldOut& held = split.held_out[static_cast<std::size_t>(h)];
      UserRow history = split.train.row(held.user);
      model.score(history, scores);
      for (std::uint32_t j : history.items) scores[j] = kExcluded;

      // One pass: the held-out item's rank and the top k (kept sorted; an
      // item enters only when it beats the k-th, which is rare after the
      // first few hundred items).
      const float target = scores[held.item];
      std::size_t rank = 1;
      top.clear();
      for (std::uint32_t i = 0; i < n; ++i) {
        const float s = scores[i];
        if (s == kExcluded) continue;
        if (i != held.item && ahead(s, i, target, held.item)) ++rank;
        if (top.size() == k && !ahead(s, i, top.back().score, top.back().item)) continue;
        auto at = std::find_if(top.begin(), top.end(), [&](const Ranked& r) { return ahead(s, i, r.score, r.item); });
        top.insert(at, {s, i});
        if (top.size() > k) top.pop_back();
      }
      for (const Ranked& r : top) my_covered[r.item] = 1;
      if (rank <= k) {
        hits += 1;
        gain += 1.0 / std::log2(static_cast<double>(rank) + 1.0);
      }
    }
#pragma omp critical
    for (std::size_t i = 0; i < n; ++i) covered[i] |= my_covered[i];
  }

  RankingMetrics m;
  m.evaluated_users = split.held_out.size();
  if (m.evaluated_users > 0) {
    m.hit_rate = hits / static_cast<double>(m.evaluated_users);
    m.ndcg = gain / static_cast<double>(m.evaluated_users);
  }
  if (n > 0) m.coverage = static_cast<double>(std::count(covered.begin(), covered.end(), 1)) / static_cast<double>(n);
  return m;
}

Result<EvaluationReport> evaluate(const EventLog& log, const EvaluationOptions& options) {
  if (options.k == 0) return Error::invalid_argument("invalid_k", "k must be at least 1");
  ModelOptions model_options;
  model_options.seed = options.seed;
  model_options.knn_neighbours = options.knn_neighbours;
  model_options.ease.lambda = options.lambda;
  // Every name checked before the first (possibly long) training.
  std::vector<std::unique_ptr<Model>> models;
  for (const std::string& name : options.models) {
    MC_TRY(auto model, make_model(name, model_options));
    models.push_back(std::move(model));
  }

  EvaluationReport report;
  report.users = log.users.size();
  report.items = log.items.size();
  report.events = log.events.size();
  report.k = options.k;
  LeaveLastOutSplit split = split_leave_last_out(log);
  report.train_pairs = split.train.nnz();
  report.evaluated_users = split.held_out.size();

  for (auto& model : models) {
    ModelReport r;
    r.name = std::string(model->name());
    auto started = std::chrono::steady_clock::now();
    MC_TRY_STATUS(model->train(split.train));
    r.train_seconds = seconds_since(started);
    r.memory_bytes = model->bytes();
    started = std::chrono::steady_clock::now();
    r.metrics = rank_held_out(*model, split, options.k);
    r.score_seconds = seconds_since(started);
    r.peak_rss_bytes = peak_rss_bytes();
    model.reset();  // before the next one trains: ease and item-knn are large
    report.models.push_back(std::move(r));
  }
  return report;
}

Result<EvaluationReport> evaluate_events_file(const std::string& path, const EvaluationOptions& options) {
  MC_TRY(EventLog log, read_events_file(path));
  return evaluate(log, options);
}

std::string format_table(const EvaluationReport& report) {
  auto fixed = [](double v, int decimals, int width) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%*.*f", width, decimals, v);
    return std::string(buf);
  };
  const std::string k = std::to_string(report.k);
  std::string out = "users " + std::to_string(report.users) + ", items " + std::to_string(report.items) + ", events " +
                    std::to_string(report.events) + " (" + std::to_string(report.train_pairs) +
                    " training pairs), evaluated users " + std::to_string(report.evaluated_users) +
                    " (leave-last-out, full ranking)\n";
  char head[160];
  std::snprintf(head, sizeof head, "%-14s %8s %8s %9s %9s %9s %10s %10s\n", "model", ("HR@" + k).c_str(),
                ("NDCG@" + k).c_str(), "coverage", "train s", "score s", "model MB", "peak RSS MB");
  out += head;
  for (const ModelReport& m : report.models) {
    char name[32];
    std::snprintf(name, sizeof name, "%-14s", m.name.c_str());
    out += name;
    out += " " + fixed(m.metrics.hit_rate, 4, 8) + " " + fixed(m.metrics.ndcg, 4, 8) + " " +
           fixed(m.metrics.coverage, 4, 9) + " " + fixed(m.train_seconds, 2, 9) + " " + fixed(m.score_seconds, 2, 9) +
           " " + fixed(static_cast<double>(m.memory_bytes) / 1e6, 1, 10) + " " +
           fixed(static_cast<double>(m.peak_rss_bytes) / 1e6, 1, 10) + "\n";
  }
  return out;
}

boost::json::object to_json(const EvaluationReport& report) {
  const std::string k = std::to_string(report.k);
  boost::json::array models;
  for (const ModelReport& m : report.models) {
    boost::json::object o;
    o["name"] = m.name;
    o["hr@" + k] = m.metrics.hit_rate;
    o["ndcg@" + k] = m.metrics.ndcg;
    o["coverage"] = m.metrics.coverage;
    o["train_seconds"] = m.train_seconds;
    o["memory_bytes"] = static_cast<std::uint64_t>(m.memory_bytes);
    models.push_back(std::move(o));
  }
  boost::json::object out;
  out["users"] = static_cast<std::uint64_t>(report.users);
  out["items"] = static_cast<std::uint64_t>(report.items);
  out["models"] = std::move(models);
  return out;
}

}  // namespace mc::recommend
