// The search text of core/search/ against SQLite's own FTS5, as the catalog
// store uses it: what users type finds what it should, and never reaches the
// engine as query syntax.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "core/search/search_text.hpp"

namespace mc::search {
namespace {

class Fts5Search : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db_, "CREATE VIRTUAL TABLE t USING fts5(title, tokenize='unicode61 remove_diacritics 2')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    const char* titles[] = {"三体：地球往事", "红楼梦 第一回",  "The Three-Body Problem",
                            "Python编程入门", "日本語のゲーム", "한국어 문법",
                            "A 梦 story",     "Café Noir"};
    sqlite3_stmt* insert = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, "INSERT INTO t(title) VALUES (?)", -1, &insert, nullptr), SQLITE_OK);
    for (const char* title : titles) {
      const std::string text = index_text(title);
      sqlite3_bind_text(insert, 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
  }
  void TearDown() override { sqlite3_close(db_); }

  // The rowids (1-based, in title order) that q finds; fails the test on any
  // SQLite error. A q refused by parse_query must be refused as invalid_query.
  std::vector<int> search(std::string_view q) {
    auto parsed = parse_query(q);
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, "invalid_query") << q;
      return {};
    }
    const std::string match = fts5_match(*parsed);
    std::vector<int> rows;
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db_, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", -1, &stmt, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(db_);
    if (rc != SQLITE_OK) return rows;
    sqlite3_bind_text(stmt, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(sqlite3_column_int(stmt, 0));
    EXPECT_EQ(step, SQLITE_DONE) << q << " -> " << match << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return rows;
  }

  sqlite3* db_ = nullptr;
};

using Rows = std::vector<int>;

TEST_F(Fts5Search, TwoOrMoreConsecutiveCjkCharactersMatch) {
  EXPECT_EQ(search("地球"), Rows{1});
  EXPECT_EQ(search("往事"), Rows{1});
  EXPECT_EQ(search("三体"), Rows{1});
  EXPECT_EQ(search("地球往事"), Rows{1});
  EXPECT_EQ(search("三体：地球"), Rows{1});  // punctuation between runs of two or more is fine
  EXPECT_EQ(search("楼梦"), Rows{2});
  EXPECT_EQ(search("红楼梦"), Rows{2});
  EXPECT_EQ(search("ゲーム"), Rows{5});
  EXPECT_EQ(search("국어"), Rows{6});
  EXPECT_EQ(search("球事"), Rows{});  // not consecutive
}

TEST_F(Fts5Search, MixedLatinAndCjkAndPlainWords) {
  EXPECT_EQ(search("python编程"), Rows{4});
  EXPECT_EQ(search("PYTHON 入门"), Rows{4});
  EXPECT_EQ(search("body"), Rows{3});
  EXPECT_EQ(search("three body"), Rows{3});
  EXPECT_EQ(search("cafe"), Rows{8});      // remove_diacritics 2
  EXPECT_EQ(search("body 三体"), Rows{});  // terms are ANDed
}

// Chosen: a term is split only on whitespace, so "体：地" is the phrase 体 地,
// both lone characters; in "三体：地球" 体 ends one bigram and 地 starts
// another, so it does not match. Searching "三体：地球" does.
TEST_F(Fts5Search, LoneCharactersAroundPunctuationDoNotMatchInsideBigrams) { EXPECT_EQ(search("体：地"), Rows{}); }

// The documented limit: a single character matches where it starts a bigram
// or stands alone, never as the second half of a bigram.
TEST_F(Fts5Search, SingleCjkCharacterMatchesAsAPrefixOnly) {
  EXPECT_EQ(search("梦"), Rows{7});  // " 梦 " alone; not 红楼梦 ("红楼 楼梦")
  EXPECT_EQ(search("楼"), Rows{2});  // starts 楼梦
  EXPECT_EQ(search("红"), Rows{2});
  EXPECT_EQ(search("「梦」"), Rows{7});
}

TEST_F(Fts5Search, QuerySyntaxNeverReachesTheEngine) {
  for (const char* q : {"NEAR(",  "NEAR(a b)", "\"",     "a\" OR \"b",      "(((", ")",     "title:x", "*",
                        "x*",     "^x",        "-x",     "a AND",           "OR",  "NOT a", "a + b",   "{title}: x",
                        "\"\"\"", "\\",        "\u2603", "\xf0\x9d\x84\x9e"}) {
    search(q);
  }
  EXPECT_EQ(search(std::string_view("body\0python", 11)), Rows{});  // NUL splits terms like a space
  EXPECT_EQ(search("title:body"), Rows{});                          // not a column filter: the phrase "title body"
  EXPECT_EQ(search("body*"), Rows{3});                              // "*" is text, dropped by the tokenizer
  EXPECT_EQ(search("NEAR(three body)"), Rows{});                    // "near" is a word here, and no title has it
  EXPECT_EQ(search("Three-Body"), Rows{3});                         // the phrase "three body"
  EXPECT_EQ(search("body OR python"), Rows{});                      // "OR" is a word, and no title has it
}

}  // namespace
}  // namespace mc::search
