// Offline evaluation of the recommender models on an interaction log, behind
// `msgcenterd recommend eval --events FILE.csv [--json]`.
//
// The protocol (leave-last-out with full ranking, as in Steck 2019 and most
// of the literature since Rendle et al. 2019 showed sampled negatives mislead):
// - the log is de-duplicated to one (user, item) pair each, keeping its
//   latest timestamp;
// - every user with at least 2 distinct items has the item of their latest
//   interaction held out (ties: the one later in the file); the rest is the
//   training matrix, weight 1 per pair. Users with 1 item train but are not
//   evaluated;
// - each model is trained on the training matrix, then for every evaluated
//   user scores every item; the candidates are all items not in the user's
//   training history (no sampled negatives). Equal scores rank by item index
//   (an item first seen earlier in the file ranks first), the same in the
//   rank and in the top k;
// - HR@k: the held-out item is in the top k; NDCG@k: 1/log2(rank + 1), rank
//   1-based, 0 outside the top k (one relevant item, so the ideal DCG is 1);
//   both averaged over evaluated users. Coverage: the distinct items in any
//   evaluated user's top k, over the number of items.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/recommend/interactions.hpp"
#include "core/recommend/models.hpp"

namespace mc::recommend {

struct Event {
  std::uint32_t user = 0;
  std::uint32_t item = 0;
  double timestamp = 0;
};

// A `user,item,timestamp` log, indices in order of first appearance.
struct EventLog {
  IdIndex users;
  IdIndex items;
  std::vector<Event> events;  // in file order, blank lines and the header left out
};

// Lines longer than this (without the line end) are refused.
inline constexpr std::size_t kMaxEventLineBytes = 64 * 1024;

// Reads a CSV log of `user,item,timestamp` lines, streaming (memory is the
// ids and 16 bytes per line, whatever the file's size).
// - The first non-blank line is a header when its timestamp field is not a
//   number. Blank lines are skipped; "\n" and "\r\n" line ends; the last line
//   may lack one.
// - Fields are trimmed of spaces and tabs; a field in double quotes is
//   unquoted ("" inside stands for one quote, and a comma inside is part of
//   the field). Ids are any non-empty strings; a timestamp is a finite
//   number, integer or decimal, in any unit.
// Errors, the message naming the 1-based line:
//   kInvalidArgument "events_columns": not 3 fields, or an empty id
//     ("line 7: expected 3 fields (user,item,timestamp), found 2");
//   kInvalidArgument "events_timestamp" ("line 3: timestamp \"abc\" is not a number");
//   kTooLarge "events_line_too_long": a line over kMaxEventLineBytes;
//   kInvalidArgument "events_empty": no interactions;
//   kNotFound / kPermissionDenied / kUnavailable "events_unreadable": the
//     file cannot be opened or read.
Result<EventLog> read_events_file(const std::string& path);

struct HeldOut {
  std::uint32_t user = 0;
  std::uint32_t item = 0;
};

struct LeaveLastOutSplit {
  Interactions train;             // every user and item of the log, weight 1 per pair
  std::vector<HeldOut> held_out;  // one per evaluated user, by user index
};

LeaveLastOutSplit split_leave_last_out(const EventLog& log);

struct RankingMetrics {
  double hit_rate = 0;  // HR@k
  double ndcg = 0;      // NDCG@k
  double coverage = 0;
  std::size_t evaluated_users = 0;
};

// Ranks every held-out item with `model`, on all threads.
// REQUIRES: model was trained on split.train; k >= 1.
RankingMetrics rank_held_out(const Model& model, const LeaveLastOutSplit& split, std::size_t k);

struct EvaluationOptions {
  std::size_t k = 10;
  float lambda = 500.0f;  // ease
  std::size_t knn_neighbours = 100;
  std::uint64_t seed = 1;  // random
  // Which models, in this order; each one of model_names().
  std::vector<std::string> models = {"random", "most-popular", "item-knn", "ease"};
};

struct ModelReport {
  std::string name;
  RankingMetrics metrics;
  double train_seconds = 0;        // wall clock of train()
  double score_seconds = 0;        // wall clock of ranking every evaluated user
  std::size_t memory_bytes = 0;    // what the trained model holds: Model::bytes()
  std::size_t peak_rss_bytes = 0;  // the process's peak resident set once the model is evaluated
};

struct EvaluationReport {
  std::size_t users = 0;  // distinct users in the log
  std::size_t items = 0;  // distinct items in the log
  std::size_t events = 0;
  std::size_t train_pairs = 0;  // distinct (user, item) pairs left for training
  std::size_t evaluated_users = 0;
  std::size_t k = 10;
  std::vector<ModelReport> models;
};

// Splits `log` and evaluates each model of options.models.
// Errors: kInvalidArgument "unknown_model", "invalid_k"; a model's
// training errors (EaseModel::train).
Result<EvaluationReport> evaluate(const EventLog& log, const EvaluationOptions& options);

// read_events_file + evaluate.
Result<EvaluationReport> evaluate_events_file(const std::string& path, const EvaluationOptions& options);

// For people: a header line, then one row per model.
std::string format_table(const EvaluationReport& report);

// {"users": N, "items": M, "models": [{"name": "random", "hr@10": x,
// "ndcg@10": y, "coverage": z, "train_seconds": t, "memory_bytes": b}, ...]}
// (the 10 being report.k).
boost::json::object to_json(const EvaluationReport& report);

}  // namespace mc::recommend
