#include "client/view/render_text.hpp"

#include <gtest/gtest.h>

namespace mc::client {
namespace {

TEST(RenderText, WideCharactersCountTwoColumns) {
  EXPECT_EQ(display_width("abc"), 3);
  EXPECT_EQ(display_width("中文"), 4);
  EXPECT_EQ(display_width("e\xCC\x81"), 1);  // e + combining acute
}

TEST(RenderText, ChineseWrapsBetweenCharacters) {
  View v;
  v.blocks.push_back(Block::with_text(BlockType::kParagraph, "一二三四五六七八九十一二三四五六七八九十"));
  std::string text = render_text(v, 10);
  EXPECT_EQ(text, "一二三四五\n六七八九十\n一二三四五\n六七八九十\n");
}

TEST(RenderText, WordsWrapAtSpacesAndLongWordsStayWhole) {
  View v;
  v.blocks.push_back(Block::with_text(BlockType::kParagraph, "aaa bbb ccc supercalifragilistic d"));
  EXPECT_EQ(render_text(v, 10), "aaa bbb\nccc\nsupercalifragilistic\nd\n");
}

TEST(RenderText, NoEscapeSequenceReachesTheTerminal) {
  EXPECT_EQ(terminal_safe("a\x1b]52;c;eA==\x07"
                          "b\tc\nd\x7f\xC2\x9B"),
            "a\xEF\xBF\xBD]52;c;eA==\xEF\xBF\xBD"
            "b\tc\nd\xEF\xBF\xBD\xEF\xBF\xBD");
  View v;
  v.title = "t\x1b[2J";
  v.blocks.push_back(Block::with_text(BlockType::kParagraph, "x\x1b]0;owned\x07"));
  EXPECT_EQ(render_text(v).find('\x1b'), std::string::npos);
}

TEST(RenderText, TitleTablesAndLinks) {
  View v;
  v.title = "Title";
  Block t;
  t.type = BlockType::kTable;
  t.rows = {{"a", "long cell"}, {"bbbb", "c"}};
  v.blocks.push_back(t);
  v.links.push_back(Link{1, "home", "http://e.com/", std::nullopt});
  v.links.push_back(Link{2, "next", "msgc:resource/r_1", std::string("r_1")});
  EXPECT_EQ(
      render_text(v, 40),
      "Title\n=====\n\na    | long cell\nbbbb | c\n\nLinks:\n  [1] home: http://e.com/\n  [2] next: resource r_1\n");
}

}  // namespace
}  // namespace mc::client
