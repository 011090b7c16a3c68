#include "core/search/search_text.hpp"

#include <cstdint>
#include <span>

namespace mc::search {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

struct Decoded {
  char32_t cp;       // kInvalid if the bytes at the position are not UTF-8
  std::size_t size;  // bytes consumed; 1 for an invalid byte
};

// One code point at s[i], strictly: no overlong forms, no surrogates, nothing
// past U+10FFFF. On failure only the first byte is consumed, so decoding
// resumes at the next byte (each bad byte is reported once).
Decoded decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t size = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    size = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    size = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    size = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {kInvalid, 1};
  }
  if (s.size() - i < size) return {kInvalid, 1};
  for (std::size_t k = 1; k < size; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {kInvalid, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {kInvalid, 1};
  return {cp, size};
}

struct Range {
  char32_t first, last;
};

bool in(std::span<const Range> ranges, char32_t cp) {
  for (const Range& r : ranges) {
    if (cp >= r.first && cp <= r.last) return true;
  }
  return false;
}

// Letters of scripts written without spaces. Punctuation inside these blocks
// (゠ U+30A0, ・ U+30FB) and the CJK Symbols and Punctuation block (but 々〆〇)
// are left out, so that 。，「」 end a run.
constexpr Range kCjk[] = {
    {0x1100, 0x11FF},    // Hangul Jamo
    {0x3005, 0x3007},    // 々 〆 〇
    {0x3041, 0x309F},    // Hiragana
    {0x30A1, 0x30FA},    // Katakana
    {0x30FC, 0x30FF},    // ー ヽ ヾ ヿ
    {0x3131, 0x318F},    // Hangul Compatibility Jamo
    {0x31F0, 0x31FF},    // Katakana Phonetic Extensions
    {0x3400, 0x4DBF},    // CJK Extension A
    {0x4E00, 0x9FFF},    // CJK Unified Ideographs
    {0xA960, 0xA97F},    // Hangul Jamo Extended-A
    {0xAC00, 0xD7FF},    // Hangul Syllables, Jamo Extended-B
    {0xF900, 0xFAFF},    // CJK Compatibility Ideographs
    {0xFF66, 0xFF9F},    // half-width Katakana
    {0xFFA1, 0xFFDC},    // half-width Hangul
    {0x20000, 0x2A6DF},  // Extension B
    {0x2A700, 0x2EBEF},  // Extensions C-F
    {0x2F800, 0x2FA1F},  // CJK Compatibility Ideographs Supplement
    {0x30000, 0x323AF},  // Extensions G-H
};

// Where q is split into terms.
constexpr Range kSeparator[] = {
    {0x00, 0x20},     {0x7F, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
    {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};

// Punctuation and symbols: a term made only of these has nothing to search
// for. Without ICU this is a list of blocks, not the Unicode categories; an
// unlisted symbol counts as a letter, which is harmless (both tokenizers drop
// it, and an empty phrase matches nothing without an error).
// clang-format off
constexpr Range kNotWord[] = {
    {0x21, 0x2F}, {0x3A, 0x40}, {0x5B, 0x60}, {0x7B, 0x7E},     // ASCII punctuation
    {0xA1, 0xBF}, {0xD7, 0xD7}, {0xF7, 0xF7},                   // Latin-1 punctuation, × ÷
    {0x0300, 0x036F},                                           // combining marks
    {0x2010, 0x2027}, {0x2030, 0x205E}, {0x2060, 0x206F},       // general punctuation
    {0x20A0, 0x20CF},                                           // currency
    {0x2190, 0x2BFF},                                           // arrows, math, shapes, dingbats
    {0x2E00, 0x2E7F},                                           // supplemental punctuation
    {0x3001, 0x3004}, {0x3008, 0x303F}, {0x30A0, 0x30A0}, {0x30FB, 0x30FB},  // 、。「」・
    {0xFE00, 0xFE1F}, {0xFE30, 0xFE6F},                         // variation selectors, CJK forms
    {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65},  // full-width punctuation
    {0xFFE0, 0xFFEF},                                           // full-width symbols
    {0x1F000, 0x1FAFF},                                         // emoji and pictographs
};
// clang-format on

bool is_cjk(char32_t cp) { return cp >= 0x1100 && in(kCjk, cp); }
bool is_separator(char32_t cp) { return in(kSeparator, cp); }
bool is_word(char32_t cp) { return !is_separator(cp) && !in(kNotWord, cp); }

std::string_view trim_spaces(std::string_view s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

}  // namespace

std::string index_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2 + 2);
  std::vector<std::string_view> run;  // the current CJK run, one character each
  auto end_run = [&] {
    if (run.empty()) return;
    out += ' ';
    if (run.size() == 1) out += run[0];
    for (std::size_t k = 0; k + 1 < run.size(); ++k) {
      if (k > 0) out += ' ';
      out.append(run[k]).append(run[k + 1]);
    }
    out += ' ';
    run.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.cp != kInvalid && is_cjk(d.cp)) {
      run.push_back(text.substr(i, d.size));
    } else {
      end_run();
      if (d.cp == kInvalid) out += ' ';
      else out.append(text.substr(i, d.size));
    }
    i += d.size;
  }
  end_run();
  return out;
}

bool is_single_cjk_character(std::string_view term) {
  if (term.empty()) return false;
  const Decoded d = decode(term, 0);
  return d.size == term.size() && d.cp != kInvalid && is_cjk(d.cp);
}

Result<SearchQuery> parse_query(std::string_view q) {
  if (q.size() > kMaxQueryBytes) {
    return Error::invalid_argument("query_too_long", "q is longer than 500 bytes");
  }
  SearchQuery out;
  std::size_t start = 0;      // where the current term begins
  std::size_t words = 0;      // its letters and digits
  std::string_view lone_cjk;  // its one CJK character, if that is its only letter
  auto end_term = [&](std::size_t end) {
    if (words > 0 && out.terms.size() < kMaxQueryTerms) {
      // "梦，" must search like "梦": as a prefix, which needs the bare character.
      if (words == 1 && !lone_cjk.empty()) out.terms.emplace_back(lone_cjk);
      else out.terms.emplace_back(trim_spaces(index_text(q.substr(start, end - start))));
    }
    words = 0;
    lone_cjk = {};
  };
  for (std::size_t i = 0; i < q.size();) {
    const Decoded d = decode(q, i);
    if (d.cp == kInvalid) return Error::invalid_argument("invalid_query", "q is not valid UTF-8");
    if (is_separator(d.cp)) {
      end_term(i);
      start = i + d.size;
    } else if (is_word(d.cp)) {
      ++words;
      if (is_cjk(d.cp)) lone_cjk = q.substr(i, d.size);
    }
    i += d.size;
  }
  end_term(q.size());
  if (out.terms.empty()) return Error::invalid_argument("invalid_query", "q has no word to search for");
  return out;
}

std::string fts5_match(const SearchQuery& q) {
  std::string out;
  for (const std::string& term : q.terms) {
    if (!out.empty()) out += " AND ";
    out += '"';
    for (char c : term) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
    if (is_single_cjk_character(term)) out += '*';
  }
  return out;
}

}  // namespace mc::search
