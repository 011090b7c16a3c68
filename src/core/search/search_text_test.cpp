#include "core/search/search_text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mc::search {
namespace {

std::vector<std::string> terms_of(std::string_view q) {
  auto parsed = parse_query(q);
  EXPECT_TRUE(parsed) << q;
  if (!parsed) return {};
  return parsed->terms;
}

void expect_invalid(std::string_view q, const std::string& code) {
  auto parsed = parse_query(q);
  ASSERT_FALSE(parsed) << q;
  EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(parsed.error().code, code) << q;
}

std::string match_of(std::string_view q) {
  auto parsed = parse_query(q);
  EXPECT_TRUE(parsed) << q;
  return parsed ? fts5_match(*parsed) : std::string();
}

TEST(IndexText, ChineseRunBecomesOverlappingBigrams) {
  EXPECT_EQ(index_text("中文字"), " 中文 文字 ");
  EXPECT_EQ(index_text("中文"), " 中文 ");
  EXPECT_EQ(index_text("红楼梦 第一回"), " 红楼 楼梦   第一 一回 ");
}

TEST(IndexText, JapaneseKanaAndKanjiFormOneRun) {
  EXPECT_EQ(index_text("ゲーム"), " ゲー ーム ");
  EXPECT_EQ(index_text("日本語の本"), " 日本 本語 語の の本 ");
}

TEST(IndexText, KoreanHangulSyllables) { EXPECT_EQ(index_text("한국어 문법"), " 한국 국어   문법 "); }

TEST(IndexText, MixedLatinAndCjkAreSeparatedBySpaces) {
  EXPECT_EQ(index_text("Python编程入门"), "Python 编程 程入 入门 ");
  EXPECT_EQ(index_text("C++与Go"), "C++ 与 Go");
}

TEST(IndexText, SingleCharacterRunStaysAlone) { EXPECT_EQ(index_text("A梦b"), "A 梦 b"); }

TEST(IndexText, CjkPunctuationSeparatesRuns) {
  EXPECT_EQ(index_text("三体：地球往事"), " 三体 ： 地球 球往 往事 ");
  EXPECT_EQ(index_text("你好。世界，再见"), " 你好 。 世界 ， 再见 ");
  EXPECT_EQ(index_text("「红楼」"), "「 红楼 」");
  // Full-width ASCII is not CJK: it is kept and ends a run.
  EXPECT_EQ(index_text("中ＡＢ文"), " 中 ＡＢ 文 ");
}

TEST(IndexText, NonCjkTextIsKeptAsIs) {
  EXPECT_EQ(index_text("The Three-Body Problem"), "The Three-Body Problem");
  EXPECT_EQ(index_text("Café"), "Café");
  EXPECT_EQ(index_text(""), "");
}

TEST(IndexText, InvalidUtf8BytesBecomeSpaces) {
  EXPECT_EQ(index_text("a\xff"
                       "b"),
            "a b");
  EXPECT_EQ(index_text("中\x80文"), " 中   文 ");
  EXPECT_EQ(index_text("\xc0\xaf"), "  ");            // overlong '/'
  EXPECT_EQ(index_text("\xed\xa0\x80"), "   ");       // surrogate U+D800
  EXPECT_EQ(index_text("\xf4\x90\x80\x80"), "    ");  // past U+10FFFF
  EXPECT_EQ(index_text("x\xe4\xb8"), "x  ");          // truncated 中
}

TEST(ParseQuery, SplitsOnWhitespaceAndBigramsEachTerm) {
  EXPECT_EQ(terms_of("  novel  Python编程入门 "), (std::vector<std::string>{"novel", "Python 编程 程入 入门"}));
  EXPECT_EQ(terms_of("三体\u3000地球\t往事\n"), (std::vector<std::string>{"三体", "地球", "往事"}));
  EXPECT_EQ(terms_of("a\u00a0b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(terms_of(std::string_view("a\0b", 3)), (std::vector<std::string>{"a", "b"}));  // controls split too
  // Punctuation inside a term stays: both tokenizers skip it.
  EXPECT_EQ(terms_of("体：地"), (std::vector<std::string>{"体 ： 地"}));
}

TEST(ParseQuery, LoneCjkCharacterTermIsTheBareCharacter) {
  EXPECT_EQ(terms_of("梦，"), (std::vector<std::string>{"梦"}));
  EXPECT_EQ(terms_of("「梦」"), (std::vector<std::string>{"梦"}));
  EXPECT_TRUE(is_single_cjk_character("梦"));
  EXPECT_FALSE(is_single_cjk_character("楼梦"));
  EXPECT_FALSE(is_single_cjk_character("a"));
  EXPECT_FALSE(is_single_cjk_character("。"));
}

TEST(ParseQuery, DropsTermsWithoutLettersOrDigits) {
  EXPECT_EQ(terms_of("* ( \" - novel ) 。 ☃"), (std::vector<std::string>{"novel"}));
  EXPECT_EQ(terms_of("-x 42"), (std::vector<std::string>{"-x", "42"}));
}

TEST(ParseQuery, RefusesAQueryOfOnlySymbols) {
  expect_invalid("* ( \" - )", "invalid_query");
  expect_invalid("(((", "invalid_query");
  expect_invalid("", "invalid_query");
  expect_invalid(" \u3000 ", "invalid_query");
  expect_invalid("。，「」", "invalid_query");
}

TEST(ParseQuery, RefusesInvalidUtf8) {
  expect_invalid("novel \xff", "invalid_query");
  expect_invalid("\xc0\xaf", "invalid_query");
  expect_invalid("\xed\xa0\x80", "invalid_query");
}

TEST(ParseQuery, RefusesMoreThan500Bytes) {
  EXPECT_TRUE(parse_query(std::string(500, 'a')));
  expect_invalid(std::string(501, 'a'), "query_too_long");
}

TEST(ParseQuery, KeepsAtMost16Terms) {
  std::string q;
  for (int i = 0; i < 20; ++i) q += "t" + std::to_string(i) + " ";
  auto terms = terms_of(q);
  ASSERT_EQ(terms.size(), kMaxQueryTerms);
  EXPECT_EQ(terms.front(), "t0");
  EXPECT_EQ(terms.back(), "t15");
}

TEST(Fts5Match, QuotesEveryTermAndJoinsWithAnd) {
  EXPECT_EQ(match_of("python编程 novel"), R"q("python 编程" AND "novel")q");
  EXPECT_EQ(match_of("NEAR(a b)"), R"q("NEAR(a" AND "b)")q");
  EXPECT_EQ(match_of("a\"b"), R"q("a""b")q");
  EXPECT_EQ(match_of("a\" OR \"b"), R"q("a""" AND "OR" AND """b")q");
  EXPECT_EQ(match_of("x* ^y title:z -w NOT"), R"q("x*" AND "^y" AND "title:z" AND "-w" AND "NOT")q");
  EXPECT_EQ(match_of("(x) \" * ( )"), R"q("(x)")q");
}

TEST(Fts5Match, SingleCjkCharacterIsAPrefix) {
  EXPECT_EQ(match_of("梦"), R"("梦"*)");
  EXPECT_EQ(match_of("梦 楼梦"), R"("梦"* AND "楼梦")");
}

// The real engine: the index_text of some titles in an FTS5 table with the
// catalog's tokenizer, searched with fts5_match.
}  // namespace
}  // namespace mc::search
