#include "client/view/render_text.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mc::client {

namespace {

// Decodes the code point at s[i] and advances i; invalid bytes count as one
// narrow character (the decoder upstream already replaced them).
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += len;
  return cp;
}

// East Asian Wide and Fullwidth ranges (UAX #11), the ones text uses.
bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) || (c >= 0x3041 && c <= 0x33ff) ||
         (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
         (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) ||
         (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
         (c >= 0x20000 && c <= 0x3fffd);
}

int width_of(char32_t c) {
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 0;
  if ((c >= 0x300 && c <= 0x36f) || c == 0x200b || c == 0x200d) return 0;  // combining, zero-width
  return is_wide(c) ? 2 : 1;
}

using Lines = std::vector<std::string>;

// Wraps one paragraph's text: breaks at spaces, and on either side of a wide
// character (CJK text has no spaces); "\n" is a forced break.
void wrap(std::string_view text, int width, const std::string& first, const std::string& rest, Lines& out) {
  width = std::max(width, 10);
  std::string line = first;
  int col = display_width(first);
  const std::string* prefix = &first;
  auto start_line = [&] {
    out.push_back(std::move(line));
    prefix = &rest;
    line = rest;
    col = display_width(rest);
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\n') {
      start_line();
      ++i;
      continue;
    }
    if (text[i] == ' ') {
      ++i;
      if (col > display_width(*prefix)) line += ' ', ++col;
      continue;
    }
    // One unit: a run of narrow non-space characters, or one wide character.
    std::size_t j = i;
    int w = 0;
    std::size_t k = j;
    char32_t cp = next_code_point(text, k);
    if (is_wide(cp)) {
      j = k;
      w = 2;
    } else {
      while (j < text.size() && text[j] != ' ' && text[j] != '\n') {
        std::size_t m = j;
        char32_t c = next_code_point(text, m);
        if (is_wide(c)) break;
        w += width_of(c);
        j = m;
      }
    }
    if (col + w > width && col > display_width(*prefix)) {
      while (!line.empty() && line.back() == ' ') line.pop_back(), --col;
      start_line();
    }
    // A no-break space keeps its words together, and prints as a space.
    std::string_view unit = text.substr(i, j - i);
    for (std::size_t k = 0; k < unit.size(); ++k) {
      if (unit[k] == '\xC2' && k + 1 < unit.size() && unit[k + 1] == '\xA0') {
        line += ' ';
        ++k;
      } else {
        line += unit[k];
      }
    }
    col += w;
    i = j;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out.push_back(std::move(line));
}

void render_blocks(const Blocks& blocks, int width, const std::string& first, const std::string& rest, bool loose,
                   Lines& out);

// A deeper indent, unless the indent already takes half the width: deeply
// nested lists and quotes stay readable instead of one word a line.
std::string indent(const std::string& prefix, const std::string& more, int width) {
  return display_width(prefix) >= width / 2 ? prefix : prefix + more;
}

void render_table(const Block& b, const std::string& prefix, int width, Lines& out) {
  std::size_t cols = 0;
  for (const auto& r : b.rows) cols = std::max(cols, r.size());
  std::vector<int> w(cols, 0);
  for (const auto& r : b.rows)
    for (std::size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], display_width(r[c]));
  int total = display_width(prefix);
  for (int x : w) total += x + 3;
  bool align = total <= width + 3;  // aligned columns when they fit, else cells joined by " | "
  for (const auto& r : b.rows) {
    std::string line = prefix;
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (c) line += " | ";
      line += r[c];
      if (align && c + 1 < r.size()) line.append(static_cast<std::size_t>(w[c] - display_width(r[c])), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.push_back(std::move(line));
  }
}

void render_block(const Block& b, int width, const std::string& first, const std::string& rest, Lines& out) {
  switch (b.type) {
    case BlockType::kHeading:
      wrap(std::string(static_cast<std::size_t>(std::clamp(b.level, 1, 6)), '#') + " " + b.text, width, first, rest,
           out);
      break;
    case BlockType::kParagraph:
      wrap(b.text, width, first, rest, out);
      break;
    case BlockType::kPre: {
      std::size_t i = 0;
      const std::string* p = &first;
      while (i <= b.text.size()) {
        auto j = b.text.find('\n', i);
        if (j == std::string::npos) j = b.text.size();
        out.push_back(*p + b.text.substr(i, j - i));
        p = &rest;
        i = j + 1;
      }
      if (!out.empty() && out.back() == rest && b.text.ends_with('\n')) out.pop_back();
      break;
    }
    case BlockType::kList: {
      std::int64_t n = b.start;
      bool first_item = true;
      for (const auto& item : b.items) {
        std::string marker = b.ordered ? std::to_string(n++) + ". " : "* ";
        std::string lead = indent(first_item ? first : rest, marker, width);
        std::string hang = indent(rest, std::string(marker.size(), ' '), width);
        if (item.empty()) out.push_back(lead);
        else render_blocks(item, width, lead, hang, false, out);
        first_item = false;
      }
      break;
    }
    case BlockType::kTable:
      render_table(b, first, width, out);
      break;
    case BlockType::kQuote:
      render_blocks(b.children, width, indent(first, "> ", width), indent(rest, "> ", width), true, out);
      break;
    case BlockType::kIndent:
      render_blocks(b.children, width, indent(first, "    ", width), indent(rest, "    ", width), false, out);
      break;
    case BlockType::kRule:
      out.push_back(first + std::string(static_cast<std::size_t>(std::max(width - display_width(first), 3)), '-'));
      break;
    case BlockType::kFacts: {
      // "Key: value", the values aligned when the keys are short.
      int key_width = 0;
      for (const auto& row : b.rows) {
        if (!row.empty()) key_width = std::max(key_width, display_width(row[0]));
      }
      key_width = std::min(key_width, width / 3);
      for (const auto& row : b.rows) {
        std::string key = row.empty() ? "" : row[0];
        std::string value = row.size() > 1 ? row[1] : "";
        int pad = std::max(0, key_width - display_width(key));
        std::string lead = first + key + ":" + std::string(static_cast<std::size_t>(pad) + 1, ' ');
        wrap(value, width, lead, indent(rest, std::string(static_cast<std::size_t>(key_width) + 2, ' '), width), out);
      }
      break;
    }
  }
}

// `loose`: a blank line between blocks (the page, quotes); list items and
// indented definitions keep their blocks together.
void render_blocks(const Blocks& blocks, int width, const std::string& first, const std::string& rest, bool loose,
                   Lines& out) {
  bool at_first = true;
  for (const auto& b : blocks) {
    if (!at_first && loose) {
      std::string blank = rest;
      while (!blank.empty() && blank.back() == ' ') blank.pop_back();
      out.push_back(blank);
    }
    render_block(b, width, at_first ? first : rest, rest, out);
    at_first = false;
  }
}

}  // namespace

int display_width(std::string_view s) {
  int w = 0;
  std::size_t i = 0;
  while (i < s.size()) w += width_of(next_code_point(s, i));
  return w;
}

std::string terminal_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    bool c0 = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
    bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(s[i + 1]) <= 0x9f;
    if (c0 || c1) {
      out += "\xEF\xBF\xBD";
      if (c1) ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string render_text(const View& v, int width) {
  Lines out;
  if (!v.title.empty()) {
    wrap(v.title, width, "", "", out);
    out.push_back(std::string(static_cast<std::size_t>(std::min(display_width(v.title), width)), '='));
    out.emplace_back();
  }
  render_blocks(v.blocks, width, "", "", true, out);
  bool listed_image = false;
  for (const auto& img : v.images) {
    if (!img.resource_id) continue;
    if (!listed_image) out.emplace_back(), out.emplace_back("Images:");
    listed_image = true;
    wrap((img.alt.empty() ? std::string("(no text)") : img.alt) + ": " + *img.resource_id, width, "  ", "    ", out);
  }
  if (!v.links.empty()) {
    out.emplace_back();
    out.emplace_back("Links:");
    for (const auto& l : v.links) {
      std::string line = "[" + std::to_string(l.n) + "] ";
      if (!l.text.empty()) line += l.text + ": ";
      line += l.resource_id ? "resource " + *l.resource_id : l.href;
      wrap(line, width, "  ", "      ", out);
    }
  }
  if (!v.actions.empty()) {
    out.emplace_back();
    out.emplace_back("Actions:");
    for (const auto& a : v.actions) {
      std::string line = "[" + a.type + "] " + a.label;
      if (!a.url.empty()) line += ": " + a.url;
      if (a.resource_id) line += ": msgc open " + *a.resource_id;
      wrap(line, width, "  ", "      ", out);
    }
  }
  if (v.page) {
    out.emplace_back();
    std::string line = "page " + std::to_string(v.page->number) + " of " + std::to_string(v.page->count);
    if (v.page->number < v.page->count) line += " (next: --page " + std::to_string(v.page->number + 1) + ")";
    out.push_back(line);
  }
  for (const auto& n : v.notes) out.push_back("note: " + n);
  std::string s;
  for (const auto& l : out) s += l, s += '\n';
  return terminal_safe(s);
}

}  // namespace mc::client
