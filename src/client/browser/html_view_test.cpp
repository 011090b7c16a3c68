#include "client/browser/html_view.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "client/browser/links.hpp"
#include "client/view/render_text.hpp"

namespace mc::client {
namespace {

const std::string kServer = "http://127.0.0.1:8080";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<View> open_page(std::string_view bytes, const std::string& content_type = "text/html") {
  Page p;
  p.bytes = bytes;
  p.content_type = content_type;
  p.url = resource_content_url(kServer, "r_page");
  p.resource_of = [](const std::string& u) { return resource_in_url(u, kServer); };
  return html_to_view(p);
}

View open_ok(std::string_view bytes, const std::string& content_type = "text/html") {
  auto v = open_page(bytes, content_type);
  EXPECT_TRUE(static_cast<bool>(v)) << (v ? "" : v.error().message);
  return v ? *v : View{};
}

// ---- the corpus: real pages as they ship in Debian packages ----------------

struct CorpusPage {
  const char* file;
  const char* title;
  const char* charset;
  std::vector<std::string> shows;  // snippets the text must contain
  std::vector<std::string> hides;  // script and style contents, hidden inputs
  std::size_t links;               // <a href> elements, counted by Python's html.parser
};

const CorpusPage kCorpus[] = {
    {"debian-reference-ch08.en.html",
     "Chapter\u00a08.\u00a0I18N and L10N",  // DocBook writes no-break spaces; text shows them as spaces
     "UTF-8",
     {"# Chapter 8. I18N and L10N", "## 8.1. The locale", "Multilingualization (M17N) or Native Language Support",
      "* Internationalization (I18N): To make a software potentially handle multiple", "# dpkg-reconfigure locales",
      "“double quoted text” is not \"double quoted ASCII\""},
     {"<div", "&lt;", "&quot;"},
     110},
    {"debian-reference-ch08.zh-cn.gbk.html",
     "第8章国际化和本地化",
     "GB18030",
     {"# 第8章国际化和本地化", "程序支持国际化的行为，是通过配置环境变量",
      "* 国际化 (I18N): 使一个软件能够处理多个语言环境。"},
     {"\xEF\xBF\xBD", "charset=GBK"},
     110},
    {"debian-reference-pr01.zh-tw.big5.html",
     "序",
     "BIG5-HKSCS",
     {"# 序", "免責聲明", "什麼是 Debian"},
     {"\xEF\xBF\xBD"},
     73},
    {"bootstrap-blog.html",
     "Blog Template · Bootstrap v5.2",
     "UTF-8",
     {"# Title of a longer featured blog post", "> Quoted text goes here.", "1. First list item",
      "* Third list item to close it out", "Continue reading...[17]", "    The language used to describe"},
     {"gtag(", "dataLayer", ".bd-placeholder-img", "font-size"},
     42},
    {"bootstrap-checkout.html",
     "Checkout example · Bootstrap v5.2",
     "UTF-8",
     {"## Checkout form", "(*) Credit card", "( ) Debit card", "[ ] Save this information for next time",
      "Address [1234 Main St]", "Country [Choose...]", "[Continue to checkout]"},
     {"gtag(", "user-select"},
     3},
    {"sphinx-search.html",
     "Search — Beautiful Soup 4.9.0 documentation",
     "UTF-8",
     {"# Search", "Searching for multiple words only shows matches that contain all words.", "Sphinx[7]"},
     {"Please activate JavaScript", "DOCUMENTATION_OPTIONS", "jQuery"},
     7},
    {"sphinx-genindex.html",
     "Index — Beautiful Soup 4.9.0 documentation",
     "UTF-8",
     {"# Index", "Beautiful Soup 4.9.0 documentation"},
     {"getElementById", "searchbox').style", "Quick search"},
     7},
    {"texinfo-libffi-basics.html",
     "The Basics (libffi: the portable foreign function interface library)",
     "UTF-8",
     {"ffi_prep_cif", "ffi_status ffi_prep_cif (ffi_cif *cif"},
     {"text-decoration", "span.sansserif"},
     11},
    {"base-passwd-users-and-groups.html", "Users and Groups in the Debian System", "UTF-8", {"root", "daemon"}, {}, 4},
};

class CorpusTest : public ::testing::TestWithParam<CorpusPage> {};

TEST_P(CorpusTest, ShowsWhatABrowserShowsAndNothingElse) {
  const CorpusPage& c = GetParam();
  std::string bytes = read_file(std::string(MC_CORPUS_DIR) + "/web/" + c.file);
  ASSERT_FALSE(bytes.empty()) << c.file;
  View v = open_ok(bytes);
  EXPECT_EQ(v.title, c.title);
  EXPECT_EQ(v.charset, c.charset);
  EXPECT_EQ(v.links.size(), c.links);
  for (std::size_t i = 0; i < v.links.size(); ++i) EXPECT_EQ(v.links[i].n, static_cast<int>(i + 1));
  std::string text = render_text(v, 80);
  for (const auto& s : c.shows) EXPECT_NE(text.find(s), std::string::npos) << c.file << " lacks: " << s;
  for (const auto& s : c.hides) EXPECT_EQ(text.find(s), std::string::npos) << c.file << " shows: " << s;
  EXPECT_TRUE(v.notes.empty()) << c.file << ": the markup limits touched a real page";
}

INSTANTIATE_TEST_SUITE_P(RealPages, CorpusTest, ::testing::ValuesIn(kCorpus), [](const auto& info) {
  std::string n = info.param.file;
  for (auto& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
});

// ---- structure -------------------------------------------------------------

TEST(HtmlView, HeadingsParagraphsAndWhitespaceAsABrowserCollapsesIt) {
  View v = open_ok(
      "<title>  A \n  page </title><h1>One</h1><h3>Three <em>deep</em></h3>"
      "<p>  several   spaces\n\tand\nlines  </p><p>a<br>b</p>");
  EXPECT_EQ(v.title, "A page");
  ASSERT_EQ(v.blocks.size(), 4u);
  EXPECT_EQ(v.blocks[0].type, BlockType::kHeading);
  EXPECT_EQ(v.blocks[0].level, 1);
  EXPECT_EQ(v.blocks[1].level, 3);
  EXPECT_EQ(v.blocks[1].text, "Three deep");
  EXPECT_EQ(v.blocks[2].text, "several spaces and lines");
  EXPECT_EQ(v.blocks[3].text, "a\nb");
}

TEST(HtmlView, NestedListsKeepTheirNumbersAndLevels) {
  View v = open_ok("<ol start=3><li>three<ul><li>inner a</li><li>inner b</li></ul></li><li>four</ol>");
  ASSERT_EQ(v.blocks.size(), 1u);
  const Block& list = v.blocks[0];
  EXPECT_TRUE(list.ordered);
  EXPECT_EQ(list.start, 3);
  ASSERT_EQ(list.items.size(), 2u);
  ASSERT_EQ(list.items[0].size(), 2u);
  EXPECT_EQ(list.items[0][0].text, "three");
  EXPECT_EQ(list.items[0][1].type, BlockType::kList);
  EXPECT_FALSE(list.items[0][1].ordered);
  EXPECT_EQ(list.items[0][1].items.size(), 2u);
  EXPECT_EQ(render_text(v), "3. three\n   * inner a\n   * inner b\n4. four\n");
}

TEST(HtmlView, TablesAreRowsOfCells) {
  View v = open_ok(
      "<table><caption>Prices</caption><thead><tr><th>Item<th>Price</thead>"
      "<tbody><tr><td>Tea <b>green</b><td>3</tr><tr><td>Coffee<td>4</tbody></table>");
  ASSERT_EQ(v.blocks.size(), 2u);
  EXPECT_EQ(v.blocks[0].text, "Prices");
  const auto& rows = v.blocks[1].rows;
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Item", "Price"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Tea green", "3"}));
  EXPECT_NE(render_text(v).find("Tea green | 3"), std::string::npos);
}

TEST(HtmlView, PreIsKeptVerbatim) {
  View v = open_ok("<p>x</p><pre>\n  indented\n\n    more  spaces &amp; <b>bold</b>\n</pre>");
  ASSERT_EQ(v.blocks.size(), 2u);
  EXPECT_EQ(v.blocks[1].type, BlockType::kPre);
  EXPECT_EQ(v.blocks[1].text, "  indented\n\n    more  spaces & bold");
}

TEST(HtmlView, EntitiesAreDecoded) {
  View v = open_ok("<p>&lt;tag&gt; &amp; &eacute;t&eacute; &#x4E2D;&#25991; &nbsp;&copy;</p>");
  ASSERT_EQ(v.blocks.size(), 1u);
  EXPECT_EQ(v.blocks[0].text, "<tag> & été 中文 \xC2\xA0©");
  EXPECT_EQ(render_text(v), "<tag> & été 中文  ©\n");  // a no-break space prints as a space
}

TEST(HtmlView, NothingHiddenShows) {
  View v = open_ok(
      "<head><style>p{color:red}</style><script>var secret=1</script></head><body>"
      "<p>seen</p><script>alert('x')</script><noscript>enable js</noscript><!-- a comment -->"
      "<template><p>template text</p></template><input type=hidden name=csrf value=TOKEN123>"
      "<div hidden>hidden div</div><div style='display: none'>display none</div>"
      "<svg><text>vector text</text></svg></body>");
  std::string text = render_text(v);
  EXPECT_NE(text.find("seen"), std::string::npos);
  for (const char* s : {"color:red", "secret", "alert", "enable js", "a comment", "template text", "TOKEN123",
                        "hidden div", "display none", "vector text"}) {
    EXPECT_EQ(text.find(s), std::string::npos) << s;
  }
}

TEST(HtmlView, LinksAreNumberedResolvedAndKnowTheirResources) {
  View v = open_ok(
      "<p><a href='https://example.com/a'>External</a> "
      "<a href='/v1/resources/r_abc/content'>Same server</a> "
      "<a href='msgc:resource/r_def'>Scheme</a> <a href='r_x'>Relative</a> "
      "<a href='javascript:void(0)'>Script</a> <a name=anchor>Anchor</a> <a href='#top'><img alt=Top></a></p>");
  ASSERT_EQ(v.links.size(), 5u);
  EXPECT_EQ(v.links[0].href, "https://example.com/a");
  EXPECT_FALSE(v.links[0].resource_id);
  EXPECT_EQ(v.links[1].resource_id, "r_abc");
  EXPECT_EQ(v.links[1].href, "http://127.0.0.1:8080/v1/resources/r_abc/content");
  EXPECT_EQ(v.links[2].resource_id, "r_def");
  EXPECT_EQ(v.links[3].href, "http://127.0.0.1:8080/v1/resources/r_page/r_x");
  EXPECT_FALSE(v.links[3].resource_id);
  EXPECT_EQ(v.links[4].text, "Top");
  EXPECT_EQ(v.blocks[0].text, "External[1] Same server[2] Scheme[3] Relative[4] Script Anchor Top[5]");
}

TEST(HtmlView, BaseHrefChangesWhereRelativeLinksPoint) {
  View v = open_ok("<head><base href='http://127.0.0.1:8080/v1/resources/'></head><a href='r_base'>x</a>");
  ASSERT_EQ(v.links.size(), 1u);
  EXPECT_EQ(v.links[0].resource_id, "r_base");
}

TEST(HtmlView, ImagesShowTheirAltTextAndResource) {
  View v = open_ok(
      "<p>Before <img src='/v1/resources/r_img/content' alt='A cover'> <img src='deco.png' alt=''> "
      "<img src='x.png'> after</p>");
  ASSERT_EQ(v.images.size(), 3u);
  EXPECT_EQ(v.images[0].alt, "A cover");
  EXPECT_EQ(v.images[0].resource_id, "r_img");
  EXPECT_FALSE(v.images[1].resource_id);
  EXPECT_EQ(v.blocks[0].text, "Before A cover [image] after");
  EXPECT_NE(render_text(v).find("A cover: r_img"), std::string::npos);
}

// ---- charsets --------------------------------------------------------------

TEST(HtmlView, ChineseLegacyCharsetsComeOutAsUtf8) {
  // 中文 in GBK, GB18030 (with a character outside GBK: U+20000), and Big5.
  EXPECT_EQ(open_ok("<meta charset=gbk><p>\xD6\xD0\xCE\xC4</p>").blocks.at(0).text, "中文");
  EXPECT_EQ(open_ok("<meta http-equiv='Content-Type' content='text/html; charset=gb2312'><p>\xD6\xD0\xCE\xC4")
                .blocks.at(0)
                .text,
            "中文");
  EXPECT_EQ(open_ok("<meta charset=GB18030><p>\xD6\xD0\x95\x32\x82\x36</p>").blocks.at(0).text, "中\xF0\xA0\x80\x80");
  EXPECT_EQ(open_ok("<meta charset=big5><p>\xA4\xA4\xA4\xE5</p>").blocks.at(0).text, "中文");
}

TEST(HtmlView, TheResourcesMimeTypeOutranksTheMetaAndTheBomOutranksBoth) {
  EXPECT_EQ(open_ok("<meta charset=utf-8><p>\xD6\xD0", "text/html; charset=GBK").blocks.at(0).text, "中");
  EXPECT_EQ(open_ok("\xEF\xBB\xBF<meta charset=gbk><p>中", "text/html; charset=GBK").blocks.at(0).text, "中");
}

TEST(HtmlView, InvalidBytesInADeclaredCharsetBecomeReplacementCharacters) {
  View v = open_ok("<meta charset=gbk><p>ok \xD6\xD0 \xFF\xFF end \xD6</p>");
  EXPECT_EQ(v.blocks.at(0).text, "ok 中 \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD");
  View u = open_ok("<p>bad \xC3\x28 utf8 \xED\xA0\x80</p>");
  EXPECT_EQ(u.blocks.at(0).text, "bad \xEF\xBF\xBD( utf8 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

// ---- bad input -------------------------------------------------------------

TEST(HtmlViewBadInput, TruncatedAndUnclosedDocumentsStillOpen) {
  View v = open_ok("<html><head><title>Cut</title></head><body><p>first<p>second <b>bold <i>both<div>in div");
  EXPECT_EQ(v.title, "Cut");
  std::string text = render_text(v);
  EXPECT_NE(text.find("first"), std::string::npos);
  EXPECT_NE(text.find("in div"), std::string::npos);
  View w = open_ok("<p>a <a href='/x");  // cut inside an attribute
  EXPECT_NE(render_text(w).find("a"), std::string::npos);
  View e = open_ok("");
  EXPECT_TRUE(e.blocks.empty());
}

std::string nested(const std::string& open, const std::string& text, int n) {
  std::string s;
  s.reserve(open.size() * n + text.size());
  for (int i = 0; i < n; ++i) s += open;
  return s + text;
}

// gumbo alone takes minutes on these (its open-element scans are quadratic);
// the markup limits keep each well under a second.
TEST(HtmlViewBadInput, HundredThousandLevelsOfNestingOpenWithTheirText) {
  for (const char* tag : {"<div>", "<b>", "<span>", "<a href=x>", "<table><tr><td>", "<ul><li>", "<blockquote>"}) {
    View v = open_ok(nested(tag, "deep text", 100'000));
    EXPECT_NE(render_text(v).find("deep text"), std::string::npos) << tag;
  }
  View v = open_ok(nested("<div>", "deep text", 100'000));
  ASSERT_FALSE(v.notes.empty());
  EXPECT_NE(v.notes[0].find("512"), std::string::npos);
}

TEST(HtmlViewBadInput, MisnestedFormattingDoesNotMultiply) {
  // Each <p> re-opens every formatting element still active: unbounded,
  // this is quadratic in nodes.
  std::string s;
  for (int i = 0; i < 20'000; ++i) s += "<b id=" + std::to_string(i) + ">x<p>";
  View v = open_ok(s);
  EXPECT_FALSE(v.blocks.empty());
}

TEST(HtmlViewBadInput, ATwentyMegabytePageOpens) {
  std::string chunk = "<div class=row><p>Paragraph with <a href='/v1/resources/r_x'>a link</a> and text.</p></div>\n";
  std::string page = "<title>Big</title>";
  while (page.size() < 20u << 20) page += chunk;
  View v = open_ok(page);
  EXPECT_EQ(v.title, "Big");
  EXPECT_GT(v.links.size(), 200'000u);
}

TEST(HtmlViewBadInput, MillionsOfElementsAreCutAndSaidSo) {
  std::string page;
  for (int i = 0; i < 1'500'000; ++i) page += "<br>";
  page += "tail";
  View v = open_ok(page);
  ASSERT_FALSE(v.notes.empty());
  EXPECT_NE(v.notes.back().find("1,000,000"), std::string::npos);
  EXPECT_NE(render_text(v).find("tail"), std::string::npos);
}

TEST(HtmlViewBadInput, EscapesInThePageDoNotReachTheTerminal) {
  View v = open_ok(
      "<title>&#x1b;]0;title</title><p>clip&#x1b;]52;c;ZXZpbA==&#7;board</p><ol start=9223372036854775807><li>a<li>b</ol>");
  std::string text = render_text(v);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_NE(text.find("1000000001. b"), std::string::npos);  // numbering clamped, no overflow
}

TEST(HtmlViewBadInput, BinaryIsRefusedAsNotAWebPage) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  auto v = open_page(png);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "not_a_web_page");
  EXPECT_EQ(v.error().kind, ErrorKind::kInvalidArgument);
}

TEST(HtmlViewBadInput, PlainTextOpensAsItsText) {
  View v = open_ok("just some text\nover two lines");
  EXPECT_EQ(v.blocks.at(0).text, "just some text over two lines");
}

TEST(HtmlViewBadInput, PagesOverTheLimitAreRefused) {
  Page p;
  std::string big(1000, 'a');
  p.bytes = big;
  p.max_bytes = 999;
  auto v = html_to_view(p);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "page_too_large");
  EXPECT_EQ(v.error().kind, ErrorKind::kTooLarge);
}

}  // namespace
}  // namespace mc::client
