#include "client/browser/charset.hpp"

#include <gtest/gtest.h>

namespace mc::client {
namespace {

TEST(Charset, LabelsMapAsBrowsersMapThem) {
  EXPECT_EQ(charset_for_label("GB2312"), "GB18030");
  EXPECT_EQ(charset_for_label(" gbk "), "GB18030");
  EXPECT_EQ(charset_for_label("big5"), "BIG5-HKSCS");
  EXPECT_EQ(charset_for_label("ISO-8859-1"), "CP1252");
  EXPECT_EQ(charset_for_label("us-ascii"), "CP1252");
  EXPECT_EQ(charset_for_label("Shift_JIS"), "CP932");
  EXPECT_EQ(charset_for_label("windows-1251"), "CP1251");
  EXPECT_EQ(charset_for_label("utf8"), "UTF-8");
  EXPECT_FALSE(charset_for_label("klingon"));
  EXPECT_FALSE(charset_for_label(""));
}

TEST(Charset, TheMimeTypesParameter) {
  EXPECT_EQ(charset_param("text/html; charset=GBK"), "GBK");
  EXPECT_EQ(charset_param("text/html;charset=\"big5\""), "big5");
  EXPECT_EQ(charset_param("text/html; Charset = utf-8 ; q=1"), "utf-8");
  EXPECT_FALSE(charset_param("text/html"));
  EXPECT_FALSE(charset_param("text/html; charset"));
}

TEST(Charset, ChoosesInABrowsersOrder) {
  EXPECT_EQ(choose_html_charset("\xEF\xBB\xBF<meta charset=gbk>", "text/html; charset=big5", "").source, "bom");
  EXPECT_EQ(choose_html_charset("\xFF\xFEx", "", "").charset, "UTF-16LE");
  auto ct = choose_html_charset("<meta charset=gbk>", "text/html; charset=big5", "");
  EXPECT_EQ(ct.charset, "BIG5-HKSCS");
  EXPECT_EQ(ct.source, "content-type");
  auto meta = choose_html_charset("<!doctype html><html><head><meta charset='gbk'>", "text/html", "");
  EXPECT_EQ(meta.charset, "GB18030");
  EXPECT_EQ(meta.source, "meta");
  EXPECT_EQ(
      choose_html_charset("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=Big5\">", "", "").charset,
      "BIG5-HKSCS");
  // content= without http-equiv="content-type" names nothing.
  EXPECT_EQ(choose_html_charset("<meta name=x content='text/html; charset=gbk'>", "", "utf-8").source, "default");
  EXPECT_EQ(choose_html_charset("plain", "", "latin1").charset, "CP1252");
  EXPECT_EQ(choose_html_charset("plain", "", "nonsense").charset, "UTF-8");
}

TEST(Charset, ThePrescanSkipsCommentsAndStopsAt1024Bytes) {
  EXPECT_EQ(choose_html_charset("<!-- <meta charset=gbk> --><p>", "", "utf-8").source, "default");
  std::string late = "<p>" + std::string(1100, 'x') + "<meta charset=gbk>";
  EXPECT_EQ(choose_html_charset(late, "", "utf-8").source, "default");
  // An XML declaration is not a meta; a meta after it counts.
  EXPECT_EQ(choose_html_charset("<?xml version='1.0' encoding='UTF-8'?><meta charset=big5>", "", "").charset,
            "BIG5-HKSCS");
  // A meta declaring UTF-16 in ASCII bytes is read as UTF-8.
  EXPECT_EQ(choose_html_charset("<meta charset=utf-16>", "", "").charset, "UTF-8");
  // A script with something meta-like in an attribute does not count.
  EXPECT_EQ(choose_html_charset("<script data-x='<meta charset=gbk>'></script>", "", "utf-8").source, "default");
}

TEST(Charset, DecodesWithReplacementCharacters) {
  EXPECT_EQ(decode_to_utf8("\xD6\xD0\xCE\xC4", "GB18030").value(), "中文");
  EXPECT_EQ(decode_to_utf8("\xA4\xA4\xA4\xE5", "BIG5-HKSCS").value(), "中文");
  EXPECT_EQ(decode_to_utf8("caf\xE9 \x80", "CP1252").value(), "café €");
  EXPECT_EQ(decode_to_utf8("a\xFF"
                           "b",
                           "GB18030")
                .value(),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(decode_to_utf8("a\xD6", "GB18030").value(), "a\xEF\xBF\xBD");  // cut mid-character
  EXPECT_EQ(decode_to_utf8(std::string("a\0b\0", 4), "UTF-16LE").value(), "ab");
  auto bad = decode_to_utf8("x", "NO-SUCH-CHARSET");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "unknown_charset");
}

TEST(Charset, APageOfInvalidBytesDecodesInLinearTime) {
  std::string bad(4u << 20, '\xFF');
  auto out = decode_to_utf8(bad, "GB18030");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->size(), bad.size() * 3);  // each byte one U+FFFD
}

TEST(Charset, Windows1252sUndefinedBytesAreC1AsInBrowsers) {
  EXPECT_EQ(decode_to_utf8("\x81\x9D", "CP1252").value(), "\xC2\x81\xC2\x9D");
}

TEST(Charset, Utf8IsValidatedStrictly) {
  EXPECT_TRUE(is_valid_utf8("plain ascii and 中文 and \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("abc\xE4\xB8"));       // truncated
  EXPECT_EQ(decode_to_utf8("ok\xC0\xAFok", "UTF-8").value(), "ok\xEF\xBF\xBD\xEF\xBF\xBDok");
}

}  // namespace
}  // namespace mc::client
