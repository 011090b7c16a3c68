#include "core/recommend/evaluation.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace mc::recommend {

namespace {

namespace fs = std::filesystem;

// A fresh directory under the system's temp directory, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("recommend_eval_test_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter++) + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::string file = (path_ / name).string();
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

Result<EventLog> read(const std::string& text) {
  TempDir dir;
  return read_events_file(dir.write("events.csv", text));
}

void expect_error(const std::string& text, const std::string& code, const std::string& message) {
  auto log = read(text);
  ASSERT_FALSE(log) << "expected " << code;
  EXPECT_EQ(log.error().code, code);
  EXPECT_EQ(log.error().message, message);
}

// Items x y z w (indices 0..3). a: x y z -> z held out. b: z at 5 is the
// latest, though before w in the file. c: one item, trains only. d: (d,w)
// twice, kept at 7; x at 7 too and later in the file -> x held out.
const char* kTinyLog =
    "user,item,timestamp\n"
    "a,x,1\n"
    "a,y,2\n"
    "a,z,3\n"
    "b,x,1\n"
    "b,z,5\n"
    "b,w,4\n"
    "c,y,1\n"
    "d,w,1\n"
    "d,w,7\n"
    "d,x,7\n";

// Fixed scores x 0.1, y 0.4, z 0.3, w 0.2, whatever the history.
class FixedModel final : public Model {
 public:
  std::string_view name() const override { return "fixed"; }
  Status train(const Interactions&) override { return {}; }
  void score(UserRow, std::span<float> out) const override {
    const float s[] = {0.1f, 0.4f, 0.3f, 0.2f};
    std::copy(std::begin(s), std::end(s), out.begin());
  }
  std::size_t bytes() const override { return 0; }
};

}  // namespace

TEST(RecommendEvaluation, ReadsAHeaderCrlfBlankLinesQuotesAndALastLineWithoutNewline) {
  auto log = read("user,item,ts\r\n\r\n u1 , i1 ,10\r\n\"u,2\",\"i\"\"1\",-1.5\r\n   \n\tu1,i2,+3e2\r\nu1,i1,4");
  ASSERT_TRUE(log) << log.error().message;
  ASSERT_EQ(log->events.size(), 4u);
  EXPECT_EQ(log->users.size(), 2u);
  EXPECT_EQ(log->users.id(0), "u1");
  EXPECT_EQ(log->users.id(1), "u,2");
  EXPECT_EQ(log->items.id(0), "i1");
  EXPECT_EQ(log->items.id(1), "i\"1");
  EXPECT_EQ(log->items.id(2), "i2");
  EXPECT_EQ(log->events[1].timestamp, -1.5);
  EXPECT_EQ(log->events[2].timestamp, 300.0);
  EXPECT_EQ(log->events[3].user, 0u);
  EXPECT_EQ(log->events[3].item, 0u);
  EXPECT_EQ(log->events[3].timestamp, 4.0);
}

TEST(RecommendEvaluation, AFirstLineWithANumericTimestampIsData) {
  auto log = read("a,b,1\nc,d,2\n");
  ASSERT_TRUE(log);
  EXPECT_EQ(log->events.size(), 2u);
}

TEST(RecommendEvaluation, CsvErrorsNameTheirLine) {
  expect_error("user,item,timestamp\na,b,1\nc,d,2\ne,f,3\n\ng,h,4\na,b\n", "events_columns",
               "line 7: expected 3 fields (user,item,timestamp), found 2");
  expect_error("a,b,1\na,b,2,3\n", "events_columns", "line 2: expected 3 fields (user,item,timestamp), found 4");
  expect_error("a,b,1\n,b,2\n", "events_columns", "line 2: empty user id");
  expect_error("a,b,1\na,\"\",2\n", "events_columns", "line 2: empty item id");
  expect_error("a,b,1\na,b,2\na,b,abc\n", "events_timestamp", "line 3: timestamp \"abc\" is not a number");
  expect_error("user,item,when\na,b,\n", "events_timestamp", "line 2: timestamp \"\" is not a number");
  expect_error("a,b,1\na,b,inf\n", "events_timestamp", "line 2: timestamp \"inf\" is not a number");
  expect_error("a,b,1\na,b,1e999\n", "events_timestamp", "line 2: timestamp \"1e999\" is not a number");
  expect_error("a,b,1\na,b,12abc\n", "events_timestamp", "line 2: timestamp \"12abc\" is not a number");
}

TEST(RecommendEvaluation, EmptyFilesHaveNoInteractions) {
  for (const char* text : {"", "\n\n", "user,item,timestamp\r\n\r\n"}) {
    auto log = read(text);
    ASSERT_FALSE(log);
    EXPECT_EQ(log.error().code, "events_empty");
  }
}

TEST(RecommendEvaluation, AMissingFileIsUnreadable) {
  TempDir dir;
  auto log = read_events_file(dir.path("missing.csv"));
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, "events_unreadable");
  EXPECT_TRUE(log.error().is(ErrorKind::kNotFound));
}

TEST(RecommendEvaluation, ATenMegabyteLineIsTooLong) {
  std::string text = "a,b,1\n" + std::string(10 * 1024 * 1024, 'x') + ",b,2\na,c,3\n";
  auto log = read(text);
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, "events_line_too_long");
  EXPECT_EQ(log.error().message.rfind("line 2: ", 0), 0u) << log.error().message;
  // The same as the last line, without a newline.
  log = read("a,b,1\n" + std::string(10 * 1024 * 1024, 'x'));
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, "events_line_too_long");
}

TEST(RecommendEvaluation, TheLineLimitIsExact) {
  std::string fits = std::string(kMaxEventLineBytes - 4, 'u') + ",i,1";
  ASSERT_EQ(fits.size(), kMaxEventLineBytes);
  auto log = read("a,b,1\n" + fits + "\r\n" + fits);
  ASSERT_TRUE(log) << log.error().message;
  EXPECT_EQ(log->events.size(), 3u);
  log = read("a,b,1\n" + fits + "0\n");
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, "events_line_too_long");
  EXPECT_EQ(log.error().message.rfind("line 2: ", 0), 0u);
}

TEST(RecommendEvaluation, LeaveLastOutKeepsTheLatestAndBreaksTiesByFileOrder) {
  auto log = read(kTinyLog);
  ASSERT_TRUE(log);
  LeaveLastOutSplit split = split_leave_last_out(*log);
  // Users a b c d = 0..3, items x y z w = 0..3.
  ASSERT_EQ(split.held_out.size(), 3u);
  EXPECT_EQ(split.held_out[0].user, 0u);
  EXPECT_EQ(split.held_out[0].item, 2u);  // a: z
  EXPECT_EQ(split.held_out[1].user, 1u);
  EXPECT_EQ(split.held_out[1].item, 2u);  // b: z (timestamp 5, not the last line)
  EXPECT_EQ(split.held_out[2].user, 3u);
  EXPECT_EQ(split.held_out[2].item, 0u);  // d: x ties w at 7, later in the file
  EXPECT_EQ(split.train.nnz(), 6u);       // a x y, b x w, c y, d w
  auto d = split.train.row(3);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.items[0], 3u);
  EXPECT_EQ(d.weights[0], 1.0f);  // the duplicate is one pair
  auto c = split.train.row(2);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.items[0], 1u);
}

// Candidates and ranks by hand (history excluded), scores x .1 y .4 z .3 w .2:
//   a (history x y, held z): z .3, w .2          -> z rank 1
//   b (history x w, held z): y .4, z .3          -> z rank 2
//   d (history w,   held x): y .4, z .3, x .1    -> x rank 3
TEST(RecommendEvaluation, MetricsByHand) {
  auto log = read(kTinyLog);
  ASSERT_TRUE(log);
  LeaveLastOutSplit split = split_leave_last_out(*log);
  FixedModel model;

  RankingMetrics at2 = rank_held_out(model, split, 2);
  EXPECT_EQ(at2.evaluated_users, 3u);
  EXPECT_DOUBLE_EQ(at2.hit_rate, 2.0 / 3);
  EXPECT_DOUBLE_EQ(at2.ndcg, (1.0 + 1.0 / std::log2(3) + 0) / 3);
  EXPECT_DOUBLE_EQ(at2.coverage, 3.0 / 4);  // a {z, w}, b {y, z}, d {y, z}

  RankingMetrics at10 = rank_held_out(model, split, 10);
  EXPECT_DOUBLE_EQ(at10.hit_rate, 1.0);
  EXPECT_DOUBLE_EQ(at10.ndcg, (1.0 + 1.0 / std::log2(3) + 1.0 / std::log2(4)) / 3);
  EXPECT_DOUBLE_EQ(at10.coverage, 1.0);
}

// Most popular on the training pairs: x 2, y 2, z 0, w 2. Equal scores rank
// by item index.
//   a: w 2, z 0 -> z rank 2;  b: y 2, z 0 -> z rank 2;  d: x 2, y 2 -> x rank 1.
TEST(RecommendEvaluation, MostPopularByHandThroughTheReport) {
  TempDir dir;
  EvaluationOptions options;
  options.k = 2;
  options.models = {"most-popular"};
  auto report = evaluate_events_file(dir.write("events.csv", kTinyLog), options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->users, 4u);
  EXPECT_EQ(report->items, 4u);
  EXPECT_EQ(report->events, 10u);
  EXPECT_EQ(report->evaluated_users, 3u);
  ASSERT_EQ(report->models.size(), 1u);
  const RankingMetrics& m = report->models[0].metrics;
  EXPECT_DOUBLE_EQ(m.hit_rate, 1.0);
  EXPECT_DOUBLE_EQ(m.ndcg, (1.0 / std::log2(3) + 1.0 / std::log2(3) + 1.0) / 3);
  EXPECT_DOUBLE_EQ(m.coverage, 4.0 / 4);  // a {w, z}, b {y, z}, d {x, y}
  EXPECT_EQ(report->models[0].memory_bytes, 4 * sizeof(float));
}

TEST(RecommendEvaluation, AllModelsRunAndTheJsonHasExactlyTheAgreedShape) {
  TempDir dir;
  auto report = evaluate_events_file(dir.write("events.csv", kTinyLog), {});
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->models.size(), 4u);
  boost::json::object json = to_json(*report);
  EXPECT_EQ(json.size(), 3u);
  EXPECT_EQ(json.at("users").as_uint64(), 4u);
  EXPECT_EQ(json.at("items").as_uint64(), 4u);
  const boost::json::array& models = json.at("models").as_array();
  ASSERT_EQ(models.size(), 4u);
  const char* names[] = {"random", "most-popular", "item-knn", "ease"};
  for (std::size_t i = 0; i < 4; ++i) {
    const boost::json::object& m = models[i].as_object();
    EXPECT_EQ(m.size(), 6u);
    EXPECT_EQ(m.at("name").as_string(), names[i]);
    for (const char* key : {"hr@10", "ndcg@10", "coverage", "train_seconds"}) {
      ASSERT_TRUE(m.contains(key)) << key;
      EXPECT_TRUE(m.at(key).is_double()) << key;
    }
    EXPECT_TRUE(m.at("memory_bytes").is_uint64());
    // Four items, k = 10: every candidate is in the top 10, so every held-out item is hit.
    EXPECT_DOUBLE_EQ(m.at("hr@10").as_double(), 1.0);
  }
  std::string table = format_table(*report);
  EXPECT_NE(table.find("NDCG@10"), std::string::npos);
  EXPECT_NE(table.find("item-knn"), std::string::npos);
}

TEST(RecommendEvaluation, UnknownModelsAndABadKAreRefusedBeforeTraining) {
  TempDir dir;
  std::string file = dir.write("events.csv", kTinyLog);
  EvaluationOptions options;
  options.models = {"ease", "bpr"};
  auto report = evaluate_events_file(file, options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "unknown_model");
  options = {};
  options.k = 0;
  report = evaluate_events_file(file, options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "invalid_k");
}

}  // namespace mc::recommend
