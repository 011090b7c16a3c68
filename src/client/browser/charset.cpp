#include "client/browser/charset.hpp"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <unordered_map>

#include "client/browser/ascii.hpp"

namespace mc::client {

namespace {

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && is_html_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_html_space(s.back())) s.remove_suffix(1);
  return ascii_lower(s);
}

const std::unordered_map<std::string, std::string>& label_table() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, std::string>;
    auto add = [t](const char* name, std::initializer_list<const char*> labels) {
      for (const char* l : labels) (*t)[l] = name;
    };
    add("UTF-8", {"unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"});
    add("GB18030", {"chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk", "iso-ir-58",
                    "x-gbk", "gb18030"});
    add("BIG5-HKSCS", {"big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"});
    add("CP1252",
        {"ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1",
         "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252"});
    add("CP932", {"csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"});
    add("EUC-JP", {"cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"});
    add("ISO-2022-JP", {"csiso2022jp", "iso-2022-jp"});
    add("CP949", {"cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989",
                  "ksc5601", "ksc_5601", "windows-949"});
    add("KOI8-R", {"cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"});
    add("KOI8-U", {"koi8-ru", "koi8-u"});
    add("UTF-16LE", {"csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"});
    add("UTF-16BE", {"unicodefffe", "utf-16be"});
    for (int n = 1250; n <= 1258; ++n) {
      auto cp = "CP" + std::to_string(n);
      (*t)["windows-" + std::to_string(n)] = cp;
      (*t)["x-cp" + std::to_string(n)] = cp;
      (*t)["cp" + std::to_string(n)] = cp;
    }
    for (int n : {2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16}) {
      auto name = "ISO-8859-" + std::to_string(n);
      (*t)["iso-8859-" + std::to_string(n)] = name;
      (*t)["iso8859-" + std::to_string(n)] = name;
      (*t)["iso_8859-" + std::to_string(n)] = name;
    }
    (*t)["iso-8859-9"] = (*t)["latin5"] = "CP1254";  // WHATWG decodes Latin-5 as windows-1254
    (*t)["latin2"] = "ISO-8859-2";
    return t;
  }();
  return *table;
}

bool is_ws(unsigned char c) { return is_html_space(static_cast<char>(c)); }

// The charset named in a content attribute or MIME type: "text/html;
// charset=gbk" -> "gbk" (WHATWG "extract a character encoding from a meta
// element").
std::optional<std::string> extract_charset(std::string_view s) {
  std::string lower = ascii_lower(s);
  std::size_t i = 0;
  while (true) {
    auto pos = lower.find("charset", i);
    if (pos == std::string::npos) return std::nullopt;
    std::size_t j = pos + 7;
    while (j < s.size() && is_ws(static_cast<unsigned char>(s[j]))) ++j;
    if (j >= s.size() || s[j] != '=') {
      i = pos + 7;
      continue;
    }
    ++j;
    while (j < s.size() && is_ws(static_cast<unsigned char>(s[j]))) ++j;
    if (j >= s.size()) return std::nullopt;
    if (s[j] == '"' || s[j] == '\'') {
      auto end = s.find(s[j], j + 1);
      if (end == std::string_view::npos) return std::nullopt;
      return std::string(s.substr(j + 1, end - j - 1));
    }
    std::size_t end = j;
    while (end < s.size() && !is_ws(static_cast<unsigned char>(s[end])) && s[end] != ';') ++end;
    return std::string(s.substr(j, end - j));
  }
}

// One attribute of a tag in the prescan; false at the tag's end.
bool next_attribute(std::string_view b, std::size_t& i, std::string& name, std::string& value) {
  name.clear();
  value.clear();
  while (i < b.size() && (is_ws(static_cast<unsigned char>(b[i])) || b[i] == '/')) ++i;
  if (i >= b.size() || b[i] == '>') return false;
  while (i < b.size()) {
    char c = b[i];
    if (c == '=' && !name.empty()) break;
    if (is_ws(static_cast<unsigned char>(c)) || c == '/' || c == '>') break;
    name.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    ++i;
  }
  while (i < b.size() && is_ws(static_cast<unsigned char>(b[i]))) ++i;
  if (i >= b.size() || b[i] != '=') return true;
  ++i;
  while (i < b.size() && is_ws(static_cast<unsigned char>(b[i]))) ++i;
  if (i >= b.size()) return true;
  if (b[i] == '"' || b[i] == '\'') {
    char q = b[i++];
    auto end = b.find(q, i);
    if (end == std::string_view::npos) end = b.size();
    value.assign(b.substr(i, end - i));
    i = std::min(end + 1, b.size());
    return true;
  }
  while (i < b.size() && !is_ws(static_cast<unsigned char>(b[i])) && b[i] != '>') value.push_back(b[i++]);
  return true;
}

// The HTML prescan over the first 1024 bytes: the first <meta> that names a
// charset a browser knows.
std::optional<std::string> prescan_meta(std::string_view all) {
  std::string_view b = all.substr(0, 1024);
  std::size_t i = 0;
  auto starts = [&](std::size_t at, std::string_view what) {
    if (at + what.size() > b.size()) return false;
    for (std::size_t k = 0; k < what.size(); ++k) {
      char c = b[at + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != what[k]) return false;
    }
    return true;
  };
  std::string name, value;
  while (i < b.size()) {
    if (b[i] != '<') {
      ++i;
      continue;
    }
    if (starts(i, "<!--")) {
      auto end = b.find("-->", i + 2);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 3;
    } else if (starts(i, "<meta") && i + 5 < b.size() &&
               (is_ws(static_cast<unsigned char>(b[i + 5])) || b[i + 5] == '/')) {
      i += 5;
      bool http_equiv_ct = false;
      std::optional<std::string> from_content, from_charset;
      while (next_attribute(b, i, name, value)) {
        if (name == "http-equiv") http_equiv_ct = lower_trimmed(value) == "content-type";
        else if (name == "content" && !from_content) from_content = extract_charset(value);
        else if (name == "charset" && !from_charset) from_charset = value;
      }
      std::optional<std::string> label = from_charset ? from_charset : http_equiv_ct ? from_content : std::nullopt;
      if (label) {
        if (auto cs = charset_for_label(*label)) {
          // A page cannot be UTF-16 if its own bytes said so in ASCII.
          if (cs->starts_with("UTF-16")) return std::string("UTF-8");
          return cs;
        }
      }
    } else if (i + 1 < b.size() &&
               (std::isalpha(static_cast<unsigned char>(b[i + 1])) ||
                (b[i + 1] == '/' && i + 2 < b.size() && std::isalpha(static_cast<unsigned char>(b[i + 2]))))) {
      i += 2;
      while (i < b.size() && !is_ws(static_cast<unsigned char>(b[i])) && b[i] != '>') ++i;
      while (next_attribute(b, i, name, value)) {
      }
      ++i;
    } else if (starts(i, "<!") || starts(i, "</") || starts(i, "<?")) {
      auto end = b.find('>', i);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 1;
    } else {
      ++i;
    }
  }
  return std::nullopt;
}

void append_replacement(std::string& out) { out += "\xEF\xBF\xBD"; }

// Length of the well-formed UTF-8 sequence at s[i], or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = s.size() - i;
  auto cont = [&](std::size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;
    while (run < s.size()) {
      std::size_t n = utf8_sequence(s, run);
      if (n == 0) break;
      run += n;
    }
    out.append(s.substr(i, run - i));
    if (run < s.size()) {
      append_replacement(out);
      ++run;
    }
    i = run;
  }
  return out;
}

}  // namespace

std::optional<std::string> charset_for_label(std::string_view label) {
  const auto& t = label_table();
  auto it = t.find(lower_trimmed(label));
  if (it == t.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> charset_param(std::string_view mime) {
  auto semi = mime.find(';');
  if (semi == std::string_view::npos) return std::nullopt;
  return extract_charset(mime.substr(semi + 1));
}

CharsetChoice choose_text_charset(std::string_view bytes, std::string_view content_type, std::string_view fallback) {
  if (bytes.starts_with("\xEF\xBB\xBF")) return {"UTF-8", "bom", 3};
  if (bytes.starts_with("\xFF\xFE")) return {"UTF-16LE", "bom", 2};
  if (bytes.starts_with("\xFE\xFF")) return {"UTF-16BE", "bom", 2};
  if (auto label = charset_param(content_type)) {
    if (auto cs = charset_for_label(*label)) return {*cs, "content-type", 0};
  }
  return {charset_for_label(fallback).value_or("UTF-8"), "default", 0};
}

CharsetChoice choose_html_charset(std::string_view bytes, std::string_view content_type, std::string_view fallback) {
  CharsetChoice c = choose_text_charset(bytes, content_type, fallback);
  if (c.source != "default") return c;
  if (auto cs = prescan_meta(bytes)) return {*cs, "meta", 0};
  return c;
}

bool looks_binary(std::string_view bytes) {
  for (unsigned char c : bytes.substr(0, 1445)) {
    if (c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1A) || (c >= 0x1C && c <= 0x1F)) return true;
  }
  return false;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    // ASCII in 8-byte strides: most pages are mostly markup.
    while (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= s.size()) break;
    std::size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

Result<std::string> decode_to_utf8(std::string_view bytes, const std::string& charset) {
  if (charset == "UTF-8") return is_valid_utf8(bytes) ? std::string(bytes) : repair_utf8(bytes);
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Error::invalid_argument("unknown_charset", "this system cannot decode " + charset);
  }
  struct Closer {
    iconv_t cd;
    ~Closer() { iconv_close(cd); }
  } closer{cd};
  std::string out;
  out.resize(bytes.size() * 2 + 16);
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write the input
  std::size_t in_left = bytes.size();
  std::size_t used = 0;
  // Appends UTF-8 bytes, growing the buffer only when it is full (so that a
  // page of invalid bytes costs linear time).
  auto put = [&](std::string_view utf8) {
    if (out.size() - used < utf8.size()) out.resize(out.size() * 2 + utf8.size());
    out.replace(used, utf8.size(), utf8);
    used += utf8.size();
  };
  const bool cp1252 = charset == "CP1252";
  while (in_left > 0) {
    char* o = out.data() + used;
    std::size_t o_left = out.size() - used;
    std::size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    used = out.size() - o_left;
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
    } else if (errno == EILSEQ) {
      auto b = static_cast<unsigned char>(*in);
      // glibc leaves five windows-1252 bytes undefined; WHATWG maps them to
      // the C1 code points of the same number.
      if (cp1252 && (b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D)) {
        const char c1[2] = {'\xC2', static_cast<char>(b)};
        put(std::string_view(c1, 2));
      } else {
        put("\xEF\xBF\xBD");  // one bad byte: U+FFFD, then on from the next byte
      }
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    } else {  // EINVAL: the input ends inside a sequence
      put("\xEF\xBF\xBD");
      break;
    }
  }
  out.resize(used);
  return out;
}

}  // namespace mc::client
