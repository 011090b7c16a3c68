// The text helpers, charsets and type words the address-book readers share
// (address_book_parts.hpp).
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/contacts/address_book_parts.hpp"

namespace mc::contacts::detail {

// ---- text --------------------------------------------------------------------

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

char lower_char(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_char(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower_char(x) == lower_char(y); });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// A display name: control characters and runs of white space become one
// space; no space at either end.
std::string clean_name(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string join_names(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    p = trim(p);
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return clean_name(out);
}

// ---- encodings ---------------------------------------------------------------

// Length of the well-formed UTF-8 sequence (RFC 3629) that starts `s`, or 0.
// The second byte's range rules out overlong forms, surrogates and code
// points past U+10FFFF, which glibc's UTF-8 decoder lets through.
std::size_t utf8_length(std::string_view s) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n == 0 || s.size() < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) return 0;
  }
  if ((c == 0xe0 && b(1) < 0xa0) || (c == 0xed && b(1) >= 0xa0) || (c == 0xf0 && b(1) < 0x90) ||
      (c == 0xf4 && b(1) >= 0x90)) {
    return 0;
  }
  return n;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0, n; i < s.size(); i += n) {
    n = utf8_length(s.substr(i));
    if (n == 0) return false;
  }
  return true;
}

// `s` with each byte that starts no well-formed sequence replaced by U+FFFD.
std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0, n; i < s.size(); i += n) {
    n = utf8_length(s.substr(i));
    if (n == 0) {
      out += kReplacement;
      n = 1;
    } else {
      out.append(s.substr(i, n));
    }
  }
  return out;
}

// The iconv name for a charset label as vCards write it. Labels that
// Windows and phones write for a charset smaller than what they really emit
// map to the superset, as browsers do (ISO-8859-1 -> windows-1252, GB2312 ->
// GB18030, Shift_JIS -> CP932); other labels go to iconv as written, if
// they are made of the characters charset names are made of (never "//",
// which would pass options to iconv).
std::optional<std::string> iconv_name(std::string_view label) {
  static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
      {"utf-8", "UTF-8"},          {"utf8", "UTF-8"},        {"iso-8859-1", "CP1252"}, {"iso8859-1", "CP1252"},
      {"iso_8859-1", "CP1252"},    {"latin1", "CP1252"},     {"us-ascii", "CP1252"},   {"ascii", "CP1252"},
      {"windows-1252", "CP1252"},  {"gb2312", "GB18030"},    {"gbk", "GB18030"},       {"x-gbk", "GB18030"},
      {"euc-cn", "GB18030"},       {"shift_jis", "CP932"},   {"shift-jis", "CP932"},   {"sjis", "CP932"},
      {"x-sjis", "CP932"},         {"windows-31j", "CP932"}, {"big5", "BIG5-HKSCS"},   {"euc-kr", "CP949"},
      {"ks_c_5601-1987", "CP949"},
  };
  std::string l = lower(trim(label));
  std::erase(l, '"');
  for (auto [from, to] : kAliases) {
    if (l == from) return std::string(to);
  }
  bool plain = !l.empty() && l.size() <= 40 && std::ranges::all_of(l, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
  });
  if (!plain) return std::nullopt;
  return l;
}

// ---- Utf8Decoder -----------------------------------------------------------------

namespace {

constexpr std::size_t kMaxCharsets = 32;

bool usable(iconv_t cd) { return cd != reinterpret_cast<iconv_t>(-1); }

// One invalid or truncated sequence costs one U+FFFD and one byte, then
// conversion goes on: a damaged name is better than a lost contact.
std::string convert(iconv_t cd, std::string_view bytes) {
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // a stateful charset (ISO-2022-JP) starts afresh
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write the input
  std::size_t in_left = bytes.size();
  std::size_t used = 0;
  while (in_left > 0) {
    char* o = out.data() + used;
    std::size_t o_left = out.size() - used;
    std::size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    used = out.size() - o_left;
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG || out.size() - used < kReplacement.size()) {
      out.resize(out.size() * 2);
      continue;
    }
    // EILSEQ, or EINVAL: the input ends inside a sequence.
    std::memcpy(out.data() + used, kReplacement.data(), kReplacement.size());
    used += kReplacement.size();
    ++in;
    --in_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  out.resize(used);
  return out;
}

}  // namespace

Utf8Decoder::~Utf8Decoder() {
  for (auto& [name, cd] : open_) {
    if (usable(static_cast<iconv_t>(cd))) iconv_close(static_cast<iconv_t>(cd));
  }
}

std::string Utf8Decoder::unlabelled(std::string_view bytes) {
  if (valid_utf8(bytes)) return std::string(bytes);
  return convert(static_cast<iconv_t>(descriptor("CP1252")), bytes);
}

std::optional<std::string> Utf8Decoder::labelled(std::string_view bytes, std::string_view label) {
  auto name = iconv_name(label);
  if (!name) return std::nullopt;
  if (*name == "UTF-8") return repair_utf8(bytes);
  auto cd = static_cast<iconv_t>(descriptor(*name));
  if (!usable(cd)) return std::nullopt;
  return convert(cd, bytes);
}

// An unknown name is remembered too; past kMaxCharsets names a file is
// not an address book any program wrote, and further names are unknown.
Utf8Decoder::Descriptor Utf8Decoder::descriptor(const std::string& name) {
  for (auto& [n, cd] : open_) {
    if (n == name) return cd;
  }
  if (open_.size() >= kMaxCharsets) return reinterpret_cast<Descriptor>(-1);
  return open_.emplace_back(name, static_cast<Descriptor>(iconv_open("UTF-8", name.c_str()))).second;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower_char(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Quoted-printable (RFC 2045), its soft line breaks already joined; an '='
// left at the very end is a soft break before a line that never came.
// nullopt at an '=' without two hex digits after it.
std::optional<std::string> decode_quoted_printable(std::string_view s) {
  s = trim(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') {
      out += s[i];
      continue;
    }
    if (i + 1 == s.size()) break;
    int hi = hex_digit(s[i + 1]);
    int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Base64, white space and padding ignored; nullopt at any other character.
std::optional<std::string> decode_base64(std::string_view s) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : s) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
                                   : -1;
    if (v < 0) {
      if (c == '=' || is_blank(c)) continue;
      return std::nullopt;
    }
    bits = ((bits << 6) | static_cast<unsigned>(v)) & 0xffffu;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xffu);
    }
  }
  return out;
}

// ---- types -------------------------------------------------------------------

// A type is a word or a user's short label: one longer than kMaxTypeBytes is
// cut there (on a UTF-8 character boundary), and a value keeps at most
// kMaxTypes, so that a hostile label copied onto every value of its group
// costs kilobytes, not gigabytes.
constexpr std::size_t kMaxTypeBytes = 64;
constexpr std::size_t kMaxTypes = 16;

void add_type(std::vector<std::string>& types, std::string_view type) {
  if (types.size() >= kMaxTypes) return;
  type = trim(type);
  if (type.size() > kMaxTypeBytes) {
    std::size_t cut = kMaxTypeBytes;
    while (cut > 0 && (static_cast<unsigned char>(type[cut]) & 0xC0) == 0x80) --cut;
    type = type.substr(0, cut);
  }
  std::string t = lower(type);
  if (!t.empty() && std::ranges::find(types, t) == types.end()) types.push_back(std::move(t));
}

constexpr LabelWord kLabelWords[] = {
    {"mobile", "cell", ""},  {"cell", "cell", ""},       {"cellular", "cell", ""},   {"home", "home", ""},
    {"private", "home", ""}, {"work", "work", ""},       {"business", "work", ""},   {"office", "work", ""},
    {"fax", "fax", ""},      {"homefax", "home", "fax"}, {"workfax", "work", "fax"}, {"otherfax", "other", "fax"},
    {"pager", "pager", ""},  {"main", "main", ""},       {"other", "other", ""},     {"voice", "voice", ""},
    {"car", "car", ""},      {"pref", "pref", ""},       {"primary", "pref", ""},
};

const LabelWord* label_word(std::string_view word) {
  for (const auto& w : kLabelWords) {
    if (iequals(w.word, word)) return &w;
  }
  return nullptr;
}

void add_word_types(std::vector<std::string>& types, const LabelWord& w) {
  add_type(types, w.type);
  add_type(types, w.second_type);
}

// A label's types: Google's "* Mobile" ("*": the primary one), "Home Fax",
// Apple's "_$!<HomeFAX>!$_". A label with a word outside kLabelWords is the
// user's own ("Grandma") and is kept whole, as one type.
void add_label_types(std::vector<std::string>& types, std::string_view label) {
  label = trim(label);
  if (label.starts_with('*')) {
    add_type(types, "pref");
    label = trim(label.substr(1));
  }
  if (label.starts_with("_$!<") && label.ends_with(">!$_")) label = label.substr(4, label.size() - 8);
  std::vector<const LabelWord*> words;
  bool all_known = true;
  for_each_piece(label, ' ', [&](std::string_view w) {
    if (w.empty() || !all_known) return;
    const LabelWord* known = label_word(w);
    if (known) words.push_back(known);
    else all_known = false;
  });
  if (!all_known) {
    add_type(types, clean_name(label));
    return;
  }
  for (const auto* w : words) add_word_types(types, *w);
}

}  // namespace mc::contacts::detail
