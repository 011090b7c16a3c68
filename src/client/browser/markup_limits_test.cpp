#include "client/browser/markup_limits.hpp"

#include <gtest/gtest.h>

namespace mc::client {
namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(MarkupLimits, RealMarkupPassesUnchanged) {
  std::string page =
      "<!doctype html><html><head><title>t</title><script>if (a<b && c>d) { x = '<div>'; }</script>"
      "<style>p > a { }</style></head><body><!-- <div><div> --><p>one<p>two<ul><li>a<li>b</ul>"
      "<img src=x alt='a > b'><br><table><tr><td>c<td>d</table></body></html>";
  MarkupLimits tight;
  tight.max_depth = 6;
  auto out = limit_markup(page, tight);
  EXPECT_EQ(out.html, page);
  EXPECT_EQ(out.dropped_for_depth, 0);
}

TEST(MarkupLimits, TagsBeyondTheDepthGoTheirTextStays) {
  MarkupLimits l;
  l.max_depth = 3;
  auto out = limit_markup(repeat("<div>", 5) + "text" + repeat("</div>", 5) + "<p>after</p>", l);
  EXPECT_EQ(out.html, "<div><div><div>text</div></div></div><p>after</p>");
  EXPECT_EQ(out.dropped_for_depth, 2);
}

TEST(MarkupLimits, FormattingLeftOpenIsCapped) {
  MarkupLimits l;
  l.max_formatting = 2;
  auto out = limit_markup("<b>1<i>2<u>3</u>4</i>5</b><b>x</b>", l);
  EXPECT_EQ(out.html, "<b>1<i>234</i>5</b><b>x</b>");  // the dropped <u>'s end tag goes too
  EXPECT_EQ(out.dropped_for_formatting, 1);
}

TEST(MarkupLimits, ElementsBeyondTheCountGo) {
  MarkupLimits l;
  l.max_elements = 3;
  auto out = limit_markup("<br><br><br><br><br>end", l);
  EXPECT_EQ(out.html, "<br><br><br>end");
  EXPECT_EQ(out.dropped_for_count, 2);
}

TEST(MarkupLimits, AHundredThousandLevelsComeDownToTheLimit) {
  auto out = limit_markup(repeat("<div>", 100'000) + "deep");
  EXPECT_EQ(out.dropped_for_depth, 100'000 - 512);
  EXPECT_EQ(out.html, repeat("<div>", 512) + "deep");
}

// Each of these once let 100,000 <div>s through to gumbo unlimited: the
// scanner must read the markup as the HTML tokenizer does.
TEST(MarkupLimits, NoMarkupHidesNestingFromTheScanner) {
  const std::string divs = repeat("<div>", 2000) + "deep";
  MarkupLimits l;
  l.max_depth = 100;
  for (const std::string& lead :
       {std::string("<!-->"), std::string("<!--->"), std::string("<!-- a --!>"), std::string("<noscript>"),
        std::string("<svg><title>"), std::string("<math><style>")}) {
    auto out = limit_markup(lead + divs, l);
    EXPECT_GT(out.dropped_for_depth, 1000) << lead;
  }
  // An end tag does not reach out of a table cell.
  auto cells = limit_markup(repeat("<div><table><td></div>", 2000), l);
  EXPECT_GT(cells.dropped_for_depth, 1000);
}

TEST(MarkupLimits, FormattingReopenedByEachParagraphCountsAsElements) {
  std::string page = "<p>";
  for (int i = 0; i < 50; ++i) page += "<b id=" + std::to_string(i) + ">";
  for (int i = 0; i < 100'000; ++i) page += "<p>x";
  MarkupLimits l;
  l.max_elements = 100'000;
  auto out = limit_markup(page, l);
  EXPECT_GT(out.dropped_for_count, 90'000);  // 50 clones a paragraph: about 2,000 paragraphs fit
}

}  // namespace
}  // namespace mc::client
