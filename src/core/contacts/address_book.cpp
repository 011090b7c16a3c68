#include "core/contacts/address_book.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <utility>

namespace mc::contacts {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr auto npos = std::string_view::npos;

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

// Calls `f` with each piece of `s` between `sep`s that stand outside double
// quotes (vCard 4.0 quotes parameter values: TYPE="cell,voice").
template <class F>
void for_each_piece(std::string_view s, char sep, F f) {
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == sep && !quoted)) {
      f(s.substr(start, i - start));
      start = i + 1;
    } else if (s[i] == '"') {
      quoted = !quoted;
    }
  }
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

// Converts values to UTF-8. glibc's iconv does the work; a descriptor is
// opened on a charset's first use and kept for the file, since a file of
// 50,000 cards names the same charset 50,000 times.
class Utf8Decoder {
 public:
  Utf8Decoder() = default;
  Utf8Decoder(const Utf8Decoder&) = delete;
  Utf8Decoder& operator=(const Utf8Decoder&) = delete;
  ~Utf8Decoder() {
    for (auto& [name, cd] : open_) {
      if (usable(cd)) iconv_close(cd);
    }
  }

  // Bytes with no declared charset: UTF-8 if they are valid UTF-8, else
  // windows-1252 (the ANSI code page old Outlook and Nokia exports are in).
  std::string unlabelled(std::string_view bytes) {
    if (valid_utf8(bytes)) return std::string(bytes);
    return convert(descriptor("CP1252"), bytes);
  }

  // Bytes in the charset `label` names; invalid sequences become U+FFFD.
  // nullopt when this system knows no charset of that name.
  std::optional<std::string> labelled(std::string_view bytes, std::string_view label) {
    auto name = iconv_name(label);
    if (!name) return std::nullopt;
    if (*name == "UTF-8") return repair_utf8(bytes);
    iconv_t cd = descriptor(*name);
    if (!usable(cd)) return std::nullopt;
    return convert(cd, bytes);
  }

 private:
  static constexpr std::size_t kMaxCharsets = 32;

  static bool usable(iconv_t cd) { return cd != reinterpret_cast<iconv_t>(-1); }

  // An unknown name is remembered too; past kMaxCharsets names a file is
  // not an address book any program wrote, and further names are unknown.
  iconv_t descriptor(const std::string& name) {
    for (auto& [n, cd] : open_) {
      if (n == name) return cd;
    }
    if (open_.size() >= kMaxCharsets) return reinterpret_cast<iconv_t>(-1);
    return open_.emplace_back(name, iconv_open("UTF-8", name.c_str())).second;
  }

  // One invalid or truncated sequence costs one U+FFFD and one byte, then
  // conversion goes on: a damaged name is better than a lost contact.
  static std::string convert(iconv_t cd, std::string_view bytes) {
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

  std::vector<std::pair<std::string, iconv_t>> open_;
};

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

// The vCard types a word of a label or a column header stands for.
struct LabelWord {
  std::string_view word, type, second_type;
};
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

// ---- the book being filled ------------------------------------------------------

// Entries and problems as they are read, with the limits that bound them
// checked at each addition.
class BookSink {
 public:
  BookSink(AddressBook& book, const AddressBookLimits& limits) : book_(book), limits_(limits) {}

  Status entry(AddressBookEntry e) {
    if (e.phones.size() + e.emails.size() > limits_.max_values_per_entry) {
      return problem(e.line, "more than " + std::to_string(limits_.max_values_per_entry) +
                                 " phone numbers and e-mail addresses in one contact");
    }
    MC_TRY_STATUS(room());
    book_.entries.push_back(std::move(e));
    return {};
  }

  Status problem(int line, std::string message) {
    MC_TRY_STATUS(room());
    book_.problems.push_back({line, std::move(message)});
    return {};
  }

  bool values_full(const AddressBookEntry& e) const {
    return e.phones.size() + e.emails.size() > limits_.max_values_per_entry;
  }

 private:
  Status room() const {
    if (book_.entries.size() + book_.problems.size() < limits_.max_entries) return {};
    return Error::too_large("too_many_entries",
                            "the file holds more than " + std::to_string(limits_.max_entries) + " contacts");
  }

  AddressBook& book_;
  const AddressBookLimits& limits_;
};

Error line_too_long(int line, std::size_t max) {
  return Error::too_large("line_too_long",
                          "line " + std::to_string(line) + " is longer than " + std::to_string(max) + " bytes");
}

// The physical lines of a text, each without its end: "\r\n", "\n" or a
// lone "\r" (old Macs), mixed as they come.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}

  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = std::min(text_.find_first_of("\r\n", pos_), text_.size());
    line = text_.substr(pos_, end - pos_);
    pos_ = end;
    if (pos_ < text_.size()) pos_ += text_.substr(pos_).starts_with("\r\n") ? 2 : 1;
    ++number_;
    return true;
  }
  int number() const { return number_; }  // of the line `next` gave last

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int number_ = 0;
};

// ---- vCard -------------------------------------------------------------------

// "item1.TEL;TYPE=cell,voice;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE", read.
struct PropertyHead {
  std::string group;  // lower-case ("item1"); empty without one
  std::string name;   // upper-case ("TEL")
  std::vector<std::string> types;
  std::string charset;  // as written; empty without one
  bool quoted_printable = false;
  bool base64 = false;
};

PropertyHead parse_head(std::string_view head, Utf8Decoder& decoder) {
  PropertyHead h;
  bool first = true;
  for_each_piece(head, ';', [&](std::string_view piece) {
    piece = trim(piece);
    if (first) {
      first = false;
      auto dot = piece.find('.');
      if (dot != npos) h.group = lower(piece.substr(0, dot));
      h.name = std::string(piece.substr(dot == npos ? 0 : dot + 1));
      for (char& c : h.name) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
      return;
    }
    if (istarts_with(piece, "X-CUSTOM(") && piece.ends_with(')')) {
      // Android's own label: X-CUSTOM(CHARSET=UTF-8,ENCODING=QUOTED-PRINTABLE,=E5=A5=B6=E5=A5=B6),
      // the label after the last comma, encoded only when it is not plain ASCII.
      auto inner = piece.substr(9, piece.size() - 10);
      auto label = inner.substr(inner.rfind(',') + 1);
      auto decoded = decode_quoted_printable(label);
      add_label_types(h.types, decoder.unlabelled(decoded ? *decoded : label));
      return;
    }
    auto eq = piece.find('=');
    std::string_view key = eq == npos ? "" : trim(piece.substr(0, eq));
    std::string_view value = eq == npos ? piece : trim(piece.substr(eq + 1));
    // vCard 2.1 writes most parameters bare: TEL;CELL;PREF, ;QUOTED-PRINTABLE.
    if (key.empty() || iequals(key, "ENCODING")) {
      if (iequals(value, "QUOTED-PRINTABLE")) h.quoted_printable = true;
      else if (iequals(value, "BASE64") || iequals(value, "B")) h.base64 = true;
      else if (!key.empty() || iequals(value, "8BIT") || iequals(value, "7BIT")) return;
      else add_type(h.types, value);
    } else if (iequals(key, "TYPE")) {
      std::string list(value);
      std::erase(list, '"');
      for_each_piece(list, ',', [&](std::string_view t) { add_type(h.types, t); });
    } else if (iequals(key, "CHARSET")) {
      h.charset = std::string(value);
    } else if (iequals(key, "PREF")) {  // vCard 4.0: PREF=1
      add_type(h.types, "pref");
    }
  });
  return h;
}

// A text value's backslash escapes (RFC 6350 3.4): \n and \N a newline, \,
// \; \: \\ the character; any other backslash stays.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      bool known = n == 'n' || n == 'N' || n == ',' || n == ';' || n == ':' || n == '\\';
      if (known) {
        c = n == 'n' || n == 'N' ? '\n' : n;
        ++i;
      }
    }
    out += c;
  }
  return out;
}

// The first `count` components of a structured value (N, ORG), split at
// the ';'s no backslash escapes, unescaped; missing ones empty.
std::vector<std::string> components(std::string_view s, std::size_t count) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size() && out.size() < count; ++i) {
    if (i < s.size() && s[i] == '\\') {
      ++i;
    } else if (i == s.size() || s[i] == ';') {
      out.push_back(unescape(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.resize(count);
  return out;
}

bool is_base64_line(std::string_view line) {
  return !line.empty() && std::ranges::all_of(line, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '=';
  });
}

// Properties whose values are read; all others are skipped as they stream
// past, continuation lines and all (a PHOTO may be megabytes of base64).
bool kept_property(std::string_view name) {
  for (std::string_view k : {"BEGIN", "END", "FN", "N", "ORG", "TEL", "EMAIL", "X-ABLABEL"}) {
    if (name == k) return true;
  }
  return false;
}

class VCardReader {
 public:
  VCardReader(BookSink& sink, const AddressBookLimits& limits) : sink_(sink), limits_(limits) {}

  Status read(std::string_view text) {
    LineCursor lines(text);
    std::string_view line;
    while (lines.next(line)) {
      if (line.size() > limits_.max_line_bytes) return line_too_long(lines.number(), limits_.max_line_bytes);
      MC_TRY_STATUS(on_line(line, lines.number()));
    }
    MC_TRY_STATUS(finish_property());
    if (card_.open) {
      fail("no END:VCARD before the end of the file");
      return close_card();
    }
    return {};
  }

 private:
  // A property line being unfolded: its first physical line and the
  // continuations joined to it.
  struct Property {
    bool active = false;
    int line = 0;
    std::string text;             // head, ':', and the value if the property is kept
    std::size_t value_at = npos;  // where the value starts in `text`, once the ':' is seen
    std::size_t scanned = 0;      // how far `text` was searched for that ':'
    bool quoted = false;          // the search is inside a quoted parameter value
    PropertyHead head;
    bool kept = false;
    bool soft_break = false;  // quoted-printable whose last line ended in '='
  };

  struct Card {
    bool open = false;
    int line = 0;
    std::string problem;  // set: the card is skipped, read on to its END:VCARD
    std::string fn, n, org;
    AddressBookEntry entry;
    std::vector<std::string> phone_groups, email_groups;
    std::vector<std::pair<std::string, std::string>> labels;  // group, X-ABLabel
  };

  bool continues(std::string_view line) const {
    if (!property_.active) return false;
    if (property_.soft_break) {
      auto t = trim(line);
      return !iequals(t, "END:VCARD") && !iequals(t, "BEGIN:VCARD");
    }
    if (line.starts_with(' ') || line.starts_with('\t')) return true;
    // vCard 2.1 ends base64 with a blank line, and some writers do not
    // indent the lines before it.
    return property_.head.base64 && property_.value_at != npos && is_base64_line(line);
  }

  Status on_line(std::string_view line, int number) {
    if (continues(line)) {
      bool folded = !property_.soft_break && (line.starts_with(' ') || line.starts_with('\t'));
      return add_segment(folded ? line.substr(1) : line);
    }
    MC_TRY_STATUS(finish_property());
    auto t = trim(line);
    if (t.empty()) return {};
    property_ = Property{};
    property_.active = true;
    property_.line = number;
    return add_segment(line.substr(static_cast<std::size_t>(t.data() - line.data())));
  }

  // Joins one physical line's worth to the property. Only the head and
  // kept values are stored, each byte once (no quadratic re-joining of long
  // folded values).
  Status add_segment(std::string_view seg) {
    Property& p = property_;
    bool had_value = p.value_at != npos;
    std::string_view value_part = had_value ? seg : std::string_view();
    if (!had_value || p.kept) {
      p.text += seg;
      if (p.text.size() > limits_.max_line_bytes) return line_too_long(p.line, limits_.max_line_bytes);
    }
    if (!had_value) {
      for (; p.scanned < p.text.size() && p.value_at == npos; ++p.scanned) {
        char c = p.text[p.scanned];
        if (c == '"') p.quoted = !p.quoted;
        else if (c == ':' && !p.quoted) p.value_at = p.scanned + 1;
      }
      if (p.value_at == npos) return {};
      // Parameters are ASCII as written by every exporter, but a custom
      // label may not be: types must come out as UTF-8 too.
      p.head = parse_head(decoder_.unlabelled(std::string_view(p.text).substr(0, p.value_at - 1)), decoder_);
      p.kept = kept_property(p.head.name);
      // The ':' is in this segment (the search stopped at the end of the
      // last one), so the value so far is the segment's tail.
      value_part = seg.substr(seg.size() - (p.text.size() - p.value_at));
      if (!p.kept) p.text.resize(p.value_at);
    }
    p.soft_break = false;
    if (p.head.quoted_printable) {
      auto end = value_part.find_last_not_of(" \t");
      if (end != npos && value_part[end] == '=') {
        p.soft_break = true;
        if (p.kept) p.text.resize(p.text.size() - (value_part.size() - end));
      }
    }
    return {};
  }

  Status finish_property() {
    if (!property_.active) return {};
    property_.active = false;
    const Property& p = property_;
    if (p.value_at == npos) {
      if (!card_.open) return stray(p.line, "text outside a card (BEGIN:VCARD missing?)");
      fail("line " + std::to_string(p.line) + ": no ':' in a property line (a folded line without its leading space?)");
      return {};
    }
    std::string_view value = std::string_view(p.text).substr(p.value_at);
    const std::string& name = p.head.name;
    if (name == "BEGIN" && iequals(trim(value), "VCARD")) {
      if (card_.open) {
        fail("no END:VCARD before the BEGIN:VCARD on line " + std::to_string(p.line));
        MC_TRY_STATUS(close_card());
      }
      card_ = Card{};
      card_.open = true;
      card_.line = p.line;
      in_stray_text_ = false;
      return {};
    }
    if (!card_.open) {
      bool end = name == "END" && iequals(trim(value), "VCARD");
      return stray(p.line, end ? "END:VCARD without BEGIN:VCARD" : "text outside a card (BEGIN:VCARD missing?)");
    }
    if (name == "END" && iequals(trim(value), "VCARD")) return close_card();
    if (!card_.problem.empty() || !p.kept || name == "BEGIN" || name == "END") return {};
    auto text = decode_value(value);
    if (text) on_value(*text);
    return {};
  }

  // The value's text in UTF-8, escapes still in: decoded from
  // quoted-printable or base64, then from its charset. nullopt, the card
  // failed, when it cannot be.
  std::optional<std::string> decode_value(std::string_view raw) {
    const Property& p = property_;
    std::optional<std::string> bytes(raw);
    if (p.head.quoted_printable) bytes = decode_quoted_printable(raw);
    else if (p.head.base64) bytes = decode_base64(raw);
    if (!bytes) {
      fail(at_line() + "bad " + (p.head.base64 ? "base64" : "quoted-printable") + " in " + p.head.name);
      return std::nullopt;
    }
    if (p.head.charset.empty()) return decoder_.unlabelled(*bytes);
    auto text = decoder_.labelled(*bytes, p.head.charset);
    if (!text) {
      std::string shown = decoder_.unlabelled(std::string_view(p.head.charset).substr(0, 40));
      fail(at_line() + "unknown charset \"" + shown + "\" in " + p.head.name);
    }
    return text;
  }

  void on_value(const std::string& text) {
    const PropertyHead& h = property_.head;
    Card& c = card_;
    if (h.name == "FN") {
      if (c.fn.empty()) c.fn = clean_name(unescape(text));
    } else if (h.name == "N") {
      auto n = components(text, 3);  // family; given; additional
      if (c.n.empty()) c.n = join_names({n[1], n[2], n[0]});
    } else if (h.name == "ORG") {
      if (c.org.empty()) c.org = clean_name(components(text, 1)[0]);
    } else if (h.name == "X-ABLABEL") {
      if (!h.group.empty() && c.labels.size() < limits_.max_values_per_entry) {
        c.labels.emplace_back(h.group, unescape(text));
      }
    } else if (h.name == "TEL") {
      add_phone(text);
    } else if (h.name == "EMAIL") {
      std::string address(trim(unescape(text)));
      if (istarts_with(address, "mailto:")) address = std::string(trim(std::string_view(address).substr(7)));
      if (address.empty()) return;
      c.entry.emails.push_back({std::move(address), h.types});
      c.email_groups.push_back(h.group);
      check_values();
    }
  }

  // A number as written; a vCard 4.0 tel: URI without its scheme and its
  // parameters, ";ext=" kept apart.
  void add_phone(const std::string& text) {
    AddressBookPhone phone;
    std::string_view t = trim(text);
    if (istarts_with(t, "tel:")) {
      t = t.substr(4);
      auto semi = t.find(';');
      if (semi != npos) {
        for_each_piece(t.substr(semi + 1), ';', [&](std::string_view param) {
          if (istarts_with(param, "ext=")) phone.extension = std::string(trim(param.substr(4)));
        });
        t = t.substr(0, semi);
      }
      phone.number = std::string(trim(t));
    } else {
      phone.number = std::string(trim(unescape(t)));
    }
    if (phone.number.empty()) return;
    phone.types = property_.head.types;
    card_.entry.phones.push_back(std::move(phone));
    card_.phone_groups.push_back(property_.head.group);
    check_values();
  }

  void check_values() {
    if (sink_.values_full(card_.entry)) {
      fail("more than " + std::to_string(limits_.max_values_per_entry) +
           " phone numbers and e-mail addresses in one contact");
    }
  }

  std::string at_line() const { return "line " + std::to_string(property_.line) + ": "; }

  // The first thing wrong with the open card; it is skipped at its end.
  void fail(std::string message) {
    if (card_.problem.empty()) card_.problem = std::move(message);
    card_.entry = {};
    card_.phone_groups.clear();
    card_.email_groups.clear();
  }

  Status close_card() {
    card_.open = false;
    if (!card_.problem.empty()) return sink_.problem(card_.line, std::move(card_.problem));
    AddressBookEntry& e = card_.entry;
    e.line = card_.line;
    e.name = !card_.fn.empty() ? card_.fn : !card_.n.empty() ? card_.n : card_.org;
    // Apple puts a number's label on a property of its own, in the same group.
    for (const auto& [group, label] : card_.labels) {
      for (std::size_t i = 0; i < e.phones.size(); ++i) {
        if (card_.phone_groups[i] == group) add_label_types(e.phones[i].types, label);
      }
      for (std::size_t i = 0; i < e.emails.size(); ++i) {
        if (card_.email_groups[i] == group) add_label_types(e.emails[i].types, label);
      }
    }
    return sink_.entry(std::move(e));
  }

  // Lines outside any card: one problem for each run of them.
  Status stray(int line, std::string message) {
    if (in_stray_text_) return {};
    in_stray_text_ = true;
    return sink_.problem(line, std::move(message));
  }

  BookSink& sink_;
  const AddressBookLimits& limits_;
  Utf8Decoder decoder_;
  Property property_;
  Card card_;
  bool in_stray_text_ = false;
};

// ---- CSV ---------------------------------------------------------------------

// RFC 4180 records, one at a time, with the line each starts on. Lenient
// where exports are sloppy: a quote inside an unquoted field is a
// character, text after a closing quote is kept, blanks before an opening
// quote are dropped.
class CsvCursor {
 public:
  CsvCursor(std::string_view text, char delimiter, std::size_t max_line_bytes)
      : text_(text), delimiter_(delimiter), max_line_bytes_(max_line_bytes) {}

  enum class Outcome { kRecord, kEnd, kUnclosedQuote };

  // Reads the next record: its first `max_fields` fields into `fields`, and
  // how many it had into `count`. With `stop_past_max`, stops reading once
  // there are more than `max_fields`, so a 10,000-column header costs no
  // more than max_fields + 1 columns.
  Result<Outcome> next(std::vector<std::string>& fields, std::size_t& count, std::size_t max_fields,
                       bool stop_past_max) {
    fields.clear();
    count = 0;
    if (pos_ >= text_.size()) return Outcome::kEnd;
    start_line_ = line_;
    const std::size_t n = text_.size();
    while (true) {
      ++count;
      if (count > max_fields && stop_past_max) return Outcome::kRecord;
      std::string* field = count <= max_fields ? &fields.emplace_back() : nullptr;
      std::size_t q = pos_;
      while (q < n && (text_[q] == ' ' || text_[q] == '\t')) ++q;
      if (q < n && text_[q] == '"') {
        pos_ = q + 1;
        while (true) {
          MC_TRY(std::size_t end, run_end("\"\r\n"));
          if (field) field->append(text_.substr(pos_, end - pos_));
          pos_ = end;
          if (pos_ >= n) return Outcome::kUnclosedQuote;
          if (text_[pos_] == '"') {
            if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
              if (field) *field += '"';
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          MC_TRY_STATUS(line_end());
          if (field) *field += '\n';
        }
      }
      const char stops[] = {delimiter_, '\r', '\n', '\0'};
      MC_TRY(std::size_t end, run_end(stops));
      if (field) field->append(text_.substr(pos_, end - pos_));
      pos_ = end;
      if (pos_ < n && text_[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      if (pos_ < n) MC_TRY_STATUS(line_end());
      return Outcome::kRecord;
    }
  }

  int start_line() const { return start_line_; }  // of the record `next` read last

 private:
  // Where the run from pos_ to the first of `stops` (or the end) ends;
  // line_too_long if the line gets too long on the way.
  Result<std::size_t> run_end(const char* stops) const {
    std::size_t end = std::min(text_.find_first_of(stops, pos_), text_.size());
    if (end - line_start_ > max_line_bytes_) return line_too_long(line_, max_line_bytes_);
    return end;
  }

  // Steps over the line end at pos_.
  Status line_end() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
    line_start_ = pos_;
    return {};
  }

  std::string_view text_;
  char delimiter_;
  std::size_t max_line_bytes_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  int start_line_ = 1;
};

// The name columns come first, kFullName to kCompany: entry_of keeps their cells by Column.
enum class Column { kIgnored, kFullName, kGiven, kMiddle, kFamily, kCompany, kPhone, kEmail, kPhoneLabel, kEmailLabel };
constexpr std::size_t kNameKinds = static_cast<std::size_t>(Column::kCompany) + 1;

struct ColumnRole {
  Column kind = Column::kIgnored;
  std::vector<std::string> types;
  int slot = 0;                     // Google's "Phone 2 - Value": 2
  std::size_t label_column = npos;  // the column holding this value's label
  bool outlook = false;             // a column only Outlook names so
  bool google = false;              // a "Phone N - Value" column
};

// Columns that exports name exactly, in lower case.
struct KnownColumn {
  std::string_view header;
  Column kind;
  std::string_view type, second_type;
  bool outlook = false;
};
constexpr KnownColumn kKnownColumns[] = {
    {"name", Column::kFullName, "", ""},
    {"full name", Column::kFullName, "", ""},
    {"display name", Column::kFullName, "", ""},
    {"given name", Column::kGiven, "", ""},
    {"first name", Column::kGiven, "", ""},
    {"additional name", Column::kMiddle, "", ""},
    {"middle name", Column::kMiddle, "", ""},
    {"family name", Column::kFamily, "", ""},
    {"last name", Column::kFamily, "", ""},
    {"surname", Column::kFamily, "", ""},
    {"company", Column::kCompany, "", ""},
    {"organization", Column::kCompany, "", ""},
    {"organization name", Column::kCompany, "", ""},
    {"organization 1 - name", Column::kCompany, "", ""},
    {"e-mail address", Column::kEmail, "", "", true},
    {"e-mail 2 address", Column::kEmail, "", "", true},
    {"e-mail 3 address", Column::kEmail, "", "", true},
    {"business phone", Column::kPhone, "work", "", true},
    {"business phone 2", Column::kPhone, "work", "", true},
    {"mobile phone", Column::kPhone, "cell", "", true},
    {"home phone", Column::kPhone, "home", ""},
    {"home phone 2", Column::kPhone, "home", ""},
    {"other phone", Column::kPhone, "other", ""},
    {"primary phone", Column::kPhone, "pref", ""},
    {"company main phone", Column::kPhone, "work", "main", true},
    {"assistant's phone", Column::kPhone, "assistant", "", true},
    {"business fax", Column::kPhone, "work", "fax", true},
    {"home fax", Column::kPhone, "home", "fax"},
    {"other fax", Column::kPhone, "other", "fax"},
    {"car phone", Column::kPhone, "car", ""},
    {"callback", Column::kPhone, "callback", "", true},
    {"radio phone", Column::kPhone, "radio", "", true},
    {"tty/tdd phone", Column::kPhone, "textphone", "", true},
    {"isdn", Column::kPhone, "isdn", ""},
    {"telex", Column::kPhone, "telex", ""},
    {"pager", Column::kPhone, "pager", ""},
};

// Google's "Phone 1 - Value", "E-mail 2 - Type" (older) and "- Label" (newer).
std::optional<ColumnRole> google_column(std::string_view key) {
  bool phone = key.starts_with("phone ");
  bool email = key.starts_with("e-mail ");
  if (!phone && !email) return std::nullopt;
  key.remove_prefix(phone ? 6 : 7);
  int slot = 0;
  std::size_t i = 0;
  for (; i < key.size() && i < 4 && key[i] >= '0' && key[i] <= '9'; ++i) slot = slot * 10 + (key[i] - '0');
  if (i == 0) return std::nullopt;
  key.remove_prefix(i);
  ColumnRole role;
  role.slot = slot;
  if (key == " - value") {
    role.kind = phone ? Column::kPhone : Column::kEmail;
    role.google = true;
  } else if (key == " - type" || key == " - label") {
    role.kind = phone ? Column::kPhoneLabel : Column::kEmailLabel;
  } else {
    return std::nullopt;
  }
  return role;
}

// A column no export names exactly, read by its words: "Work Phone",
// "Mobile Number", "Primary Email", "E-Mail-Adresse". "E-mail Type" or
// "E-mail Display Name" hold no addresses.
ColumnRole generic_column(std::string_view key) {
  std::string k(key);
  std::erase(k, '-');  // "e-mail" is "email"
  // Words: runs of letters, digits and non-ASCII bytes.
  for (char& c : k) {
    bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
    if (!word) c = ' ';
  }
  bool phone = false, email = false, other = false;
  ColumnRole role;
  for_each_piece(k, ' ', [&](std::string_view w) {
    if (w.empty()) return;
    for (std::string_view p : {"phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "pager", "telefon",
                               "mobiltelefon", "handy", "phonenumber", "mobilephone"}) {
      phone = phone || w == p;
    }
    for (std::string_view e : {"email", "mail", "emailaddress", "emailadresse"}) email = email || w == e;
    for (std::string_view o : {"type", "label", "display", "name", "kind"}) other = other || w == o;
    if (const LabelWord* t = label_word(w)) add_word_types(role.types, *t);
  });
  role.kind = other ? Column::kIgnored : email ? Column::kEmail : phone ? Column::kPhone : Column::kIgnored;
  if (role.kind == Column::kIgnored) role.types.clear();
  return role;
}

ColumnRole column_role(std::string_view header) {
  std::string key = lower(trim(header));
  for (const auto& c : kKnownColumns) {
    if (key != c.header) continue;
    ColumnRole role;
    role.kind = c.kind;
    role.outlook = c.outlook;
    add_type(role.types, c.type);
    add_type(role.types, c.second_type);
    return role;
  }
  if (auto g = google_column(key)) return *g;
  return generic_column(key);
}

// The delimiter: what an Excel "sep=;" line names (the line is then
// skipped), else the most frequent of , ; and tab outside quotes in the
// first line (its first 64 KiB), a comma on a tie.
char choose_delimiter(std::string_view& text) {
  LineCursor lines(text);
  std::string_view first;
  while (lines.next(first) && trim(first).empty()) {
  }
  auto t = trim(first);
  if (t.size() == 5 && istarts_with(t, "sep=") && (t[4] == ',' || t[4] == ';' || t[4] == '|')) {
    // Only the line's text goes: its end stays, so line numbers stay right.
    text.remove_prefix(static_cast<std::size_t>(t.data() + t.size() - text.data()));
    return t[4];
  }
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (char c : first.substr(0, 64 << 10)) {
    if (c == '"') quoted = !quoted;
    else if (quoted) continue;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

bool all_blank(const std::vector<std::string>& fields) {
  return std::ranges::all_of(fields, [](const std::string& f) { return trim(f).empty(); });
}

class CsvReader {
 public:
  CsvReader(BookSink& sink, const AddressBookLimits& limits) : sink_(sink), limits_(limits) {}

  // Reads the header; not_an_address_book if it names no phone or e-mail column.
  Result<AddressBookFormat> read_header(std::string_view text) {
    char delimiter = choose_delimiter(text);
    cursor_.emplace(text, delimiter, limits_.max_line_bytes);
    std::vector<std::string> header;
    std::size_t count = 0;
    do {
      MC_TRY(auto outcome, cursor_->next(header, count, limits_.max_columns, true));
      if (count > limits_.max_columns) {
        return Error::too_large("too_many_columns",
                                "the header has more than " + std::to_string(limits_.max_columns) + " columns");
      }
      if (outcome != CsvCursor::Outcome::kRecord) return not_a_book();
    } while (all_blank(header));
    bool google = false, outlook = false, values = false;
    for (const auto& h : header) {
      ColumnRole& r = roles_.emplace_back(column_role(decoder_.unlabelled(h)));
      google = google || r.google;
      outlook = outlook || r.outlook;
      values = values || r.kind == Column::kPhone || r.kind == Column::kEmail;
    }
    if (!values) return not_a_book();
    link_labels();
    return google    ? AddressBookFormat::kGoogleCsv
           : outlook ? AddressBookFormat::kOutlookCsv
                     : AddressBookFormat::kGenericCsv;
  }

  Status read_records() {
    std::vector<std::string> fields;
    std::size_t count = 0;
    while (true) {
      MC_TRY(auto outcome, cursor_->next(fields, count, roles_.size(), false));
      int line = cursor_->start_line();
      if (outcome == CsvCursor::Outcome::kEnd) return {};
      if (outcome == CsvCursor::Outcome::kUnclosedQuote) {
        return sink_.problem(line, "a quoted field opened in this record is not closed before the end of the file");
      }
      if (count > roles_.size()) {
        MC_TRY_STATUS(sink_.problem(line, "the record has " + std::to_string(count) + " fields; the header has " +
                                              std::to_string(roles_.size())));
        continue;
      }
      if (all_blank(fields)) continue;
      MC_TRY_STATUS(sink_.entry(entry_of(fields, line)));
    }
  }

 private:
  static Error not_a_book() {
    return Error::invalid_argument("not_an_address_book",
                                   "neither a vCard file nor a CSV file with a phone or e-mail column");
  }

  // Google pairs "Phone 2 - Value" with "Phone 2 - Type".
  void link_labels() {
    for (auto& r : roles_) {
      if (r.slot == 0 || (r.kind != Column::kPhone && r.kind != Column::kEmail)) continue;
      Column label = r.kind == Column::kPhone ? Column::kPhoneLabel : Column::kEmailLabel;
      for (std::size_t i = 0; i < roles_.size(); ++i) {
        if (roles_[i].kind == label && roles_[i].slot == r.slot) r.label_column = i;
      }
    }
  }

  AddressBookEntry entry_of(const std::vector<std::string>& fields, int line) {
    AddressBookEntry e;
    e.line = line;
    std::string names[kNameKinds];  // the first non-empty cell of each name Column
    for (std::size_t i = 0; i < fields.size() && !sink_.values_full(e); ++i) {
      const ColumnRole& r = roles_[i];
      std::string_view cell = trim(fields[i]);
      if (cell.empty() || r.kind == Column::kIgnored) continue;
      auto kind = static_cast<std::size_t>(r.kind);
      if (kind < kNameKinds) {
        if (names[kind].empty()) names[kind] = decoder_.unlabelled(cell);
        continue;
      }
      if (r.kind != Column::kPhone && r.kind != Column::kEmail) continue;
      std::vector<std::string> types = r.types;
      if (r.label_column < fields.size()) add_label_types(types, decoder_.unlabelled(fields[r.label_column]));
      // Google puts a contact's second mobile number in the same cell: "a ::: b".
      for (std::size_t start = 0; start <= cell.size() && !sink_.values_full(e);) {
        auto sep = std::min(cell.find(" ::: ", start), cell.size());
        std::string value = decoder_.unlabelled(trim(cell.substr(start, sep - start)));
        start = sep + 5;
        if (value.empty()) continue;
        if (r.kind == Column::kPhone) e.phones.push_back({std::move(value), types, {}});
        else e.emails.push_back({std::move(value), types});
      }
    }
    auto at = [&](Column c) -> std::string_view { return names[static_cast<std::size_t>(c)]; };
    e.name = clean_name(at(Column::kFullName));
    if (e.name.empty()) e.name = join_names({at(Column::kGiven), at(Column::kMiddle), at(Column::kFamily)});
    if (e.name.empty()) e.name = clean_name(at(Column::kCompany));
    return e;
  }

  BookSink& sink_;
  const AddressBookLimits& limits_;
  Utf8Decoder decoder_;
  std::optional<CsvCursor> cursor_;
  std::vector<ColumnRole> roles_;
};

// ---- the file ----------------------------------------------------------------

// Control bytes no text file holds (WHATWG's "binary data bytes"; ESC is
// allowed, ISO-2022-JP needs it), looked for in the first 4 KiB.
bool looks_binary(std::string_view text) {
  for (unsigned char c : text.substr(0, 4096)) {
    if (c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) return true;
  }
  return false;
}

bool starts_with_vcard(std::string_view text) {
  LineCursor lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (!trim(line).empty()) return iequals(trim(line), "BEGIN:VCARD");
  }
  return false;
}

}  // namespace

Result<AddressBook> read_address_book(std::string_view bytes, const AddressBookLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return Error::too_large("file_too_large", "the file is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  std::string converted;
  std::string_view text = bytes;
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    Utf8Decoder decoder;
    auto utf8 = decoder.labelled(text.substr(2), text[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE");
    if (!utf8) return Error::internal("this system's iconv cannot decode UTF-16");
    converted = std::move(*utf8);
    text = converted;
  }
  while (text.ends_with('\x1a')) text.remove_suffix(1);  // DOS end-of-file mark
  if (text.find('\0') != npos || looks_binary(text)) {
    return Error::invalid_argument("not_an_address_book", "the file holds binary data, not text");
  }
  AddressBook book;
  BookSink sink(book, limits);
  if (starts_with_vcard(text)) {
    book.format = AddressBookFormat::kVCard;
    VCardReader reader(sink, limits);
    MC_TRY_STATUS(reader.read(text));
    return book;
  }
  CsvReader reader(sink, limits);
  MC_TRY(book.format, reader.read_header(text));
  MC_TRY_STATUS(reader.read_records());
  return book;
}

std::string_view address_book_format_name(AddressBookFormat f) {
  switch (f) {
    case AddressBookFormat::kVCard:
      return "vcard";
    case AddressBookFormat::kGoogleCsv:
      return "google_csv";
    case AddressBookFormat::kOutlookCsv:
      return "outlook_csv";
    case AddressBookFormat::kGenericCsv:
      return "csv";
  }
  return "csv";
}

}  // namespace mc::contacts
