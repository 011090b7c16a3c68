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

}  // namespace
}  // namespace mc::client
