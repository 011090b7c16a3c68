#include "client/open/text_view.hpp"

#include <gtest/gtest.h>

namespace mc::client {
namespace {

TEST(TextView, ParagraphsAtBlankLinesLinesKeptInside) {
  auto v = text_to_view("Title\r\nsecond line\r\n\r\n\r\nA paragraph.\n  \nLast", "text/plain", "utf-8", 1000);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->blocks.size(), 3u);
  EXPECT_EQ(v->blocks[0].text, "Title\nsecond line");
  EXPECT_EQ(v->blocks[1].text, "A paragraph.");
  EXPECT_EQ(v->blocks[2].text, "Last");
  EXPECT_EQ(v->opener, "text");
}

TEST(TextView, TheMimeTypesCharsetDecodes) {
  auto v = text_to_view("\xD6\xD0\xCE\xC4", "text/plain; charset=gbk", "utf-8", 1000);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->blocks.at(0).text, "中文");
  EXPECT_EQ(v->charset, "GB18030");
}

TEST(TextView, BinaryAndOversizeAreRefused) {
  auto bin = text_to_view(std::string("ab\0\x01", 4), "text/plain", "utf-8", 1000);
  ASSERT_FALSE(bin);
  EXPECT_EQ(bin.error().code, "not_text");
  auto big = text_to_view(std::string(2000, 'a'), "text/plain", "utf-8", 1000);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, "page_too_large");
}

}  // namespace
}  // namespace mc::client
