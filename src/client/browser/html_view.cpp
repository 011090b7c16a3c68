#include "client/browser/html_view.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "client/browser/ascii.hpp"
#include "client/browser/charset.hpp"
#include "client/browser/links.hpp"
#include "client/browser/markup_limits.hpp"

namespace mc::client {

namespace {

// Deeper than markup_limits lets a page nest; a last guard for the stack.
constexpr int kMaxWalkDepth = 1024;
constexpr std::size_t kMaxLinkText = 200;

std::string collapse(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_html_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

const char* attr(const GumboNode* n, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : nullptr;
}

std::string lower(const char* s) { return ascii_lower(s ? s : ""); }

bool is_element(const GumboNode* n) { return n->type == GUMBO_NODE_ELEMENT; }
GumboTag tag_of(const GumboNode* n) { return is_element(n) ? n->v.element.tag : GUMBO_TAG_UNKNOWN; }

// Elements nobody sees: hidden by markup, by an inline style, or by type.
bool is_hidden(const GumboNode* n) {
  if (n->type == GUMBO_NODE_TEMPLATE) return true;
  if (!is_element(n)) return false;
  if (n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) return true;  // svg, math
  switch (n->v.element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_MAP:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_TITLE:
      return true;
    default:
      break;
  }
  if (attr(n, "hidden")) return true;
  if (const char* style = attr(n, "style")) {
    std::string s;
    for (const char* p = style; *p; ++p)
      if (!is_html_space(*p)) s += ascii_lower(*p);
    if (s.find("display:none") != std::string::npos || s.find("visibility:hidden") != std::string::npos) return true;
  }
  if (n->v.element.tag == GUMBO_TAG_INPUT && lower(attr(n, "type")) == "hidden") return true;
  return false;
}

bool is_block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_P:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_FRAME:
      return true;
    default:
      return false;
  }
}

int heading_level(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_H1:
      return 1;
    case GUMBO_TAG_H2:
      return 2;
    case GUMBO_TAG_H3:
      return 3;
    case GUMBO_TAG_H4:
      return 4;
    case GUMBO_TAG_H5:
      return 5;
    case GUMBO_TAG_H6:
      return 6;
    default:
      return 0;
  }
}

// The text a link or a heading shows, short: alt text for images.
void text_of(const GumboNode* n, std::string& out, int depth) {
  if (out.size() > kMaxLinkText || depth > kMaxWalkDepth) return;
  if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA || n->type == GUMBO_NODE_WHITESPACE) {
    out += n->v.text.text;
    return;
  }
  if (!is_element(n) || is_hidden(n)) return;
  if (n->v.element.tag == GUMBO_TAG_IMG) {
    if (const char* alt = attr(n, "alt")) out += alt, out += ' ';
    return;
  }
  if (n->v.element.tag == GUMBO_TAG_BR) out += ' ';
  const GumboVector& kids = n->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) text_of(static_cast<const GumboNode*>(kids.data[i]), out, depth + 1);
}

class ViewBuilder {
 public:
  ViewBuilder(View& view, const Page& page) : view_(view), page_(page), base_(page.url), sink_(&view.blocks) {}

  void build(const GumboOutput* out) {
    read_head(out->root, 0);
    walk(out->root, 0);
    flush();
  }

 private:
  // The title and <base href> (first of each).
  void read_head(const GumboNode* n, int depth) {
    if (!is_element(n) || depth > 3) return;
    GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_TITLE && !title_seen_) {
      title_seen_ = true;
      std::string s;
      const GumboVector& kids = n->v.element.children;
      for (unsigned i = 0; i < kids.length; ++i) text_of(static_cast<const GumboNode*>(kids.data[i]), s, 0);
      view_.title = collapse(s);
      return;
    }
    if (t == GUMBO_TAG_BASE && !base_seen_) {
      if (const char* href = attr(n, "href")) {
        base_seen_ = true;
        base_ = resolve_url(page_.url, href);
      }
      return;
    }
    if (t != GUMBO_TAG_HTML && t != GUMBO_TAG_HEAD) return;
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) read_head(static_cast<const GumboNode*>(kids.data[i]), depth + 1);
  }

  bool capturing() const { return capture_ > 0 || pre_ > 0; }

  void add_text(std::string_view s) {
    if (pre_ > 0) {
      inline_.append(s);
      return;
    }
    for (char c : s) {
      if (is_html_space(c)) {
        if (!inline_.empty() && inline_.back() != ' ' && inline_.back() != '\n') inline_ += ' ';
      } else {
        inline_ += c;
      }
    }
  }

  void trim_trailing_space() {
    while (!inline_.empty() && inline_.back() == ' ') inline_.pop_back();
  }

  // Ends the running paragraph. Inside a heading or a cell a block boundary
  // is a space; inside pre, a new line.
  void flush() {
    if (pre_ > 0) {
      if (!inline_.empty() && inline_.back() != '\n') inline_ += '\n';
      return;
    }
    if (capture_ > 0) {
      add_text(" ");
      return;
    }
    trim_trailing_space();
    std::size_t start = 0;
    while (start < inline_.size() && (inline_[start] == ' ' || inline_[start] == '\n')) ++start;
    std::size_t end = inline_.size();
    while (end > start && (inline_[end - 1] == ' ' || inline_[end - 1] == '\n')) --end;
    if (end > start) {
      Block b;
      b.type = BlockType::kParagraph;
      b.text = inline_.substr(start, end - start);
      sink_->push_back(std::move(b));
    }
    inline_.clear();
  }

  // Runs `fn` with a fresh inline buffer in capture mode and returns what it
  // collected, collapsed.
  template <typename Fn>
  std::string capture(Fn&& fn) {
    std::string saved = std::move(inline_);
    inline_.clear();
    ++capture_;
    fn();
    --capture_;
    std::string got = std::move(inline_);
    inline_ = std::move(saved);
    std::string out;
    // Keep forced line breaks out of cells and headings: collapse all.
    for (char c : got) out += c == '\n' ? ' ' : c;
    return collapse(out);
  }

  // Runs `fn` with blocks going into `into`.
  template <typename Fn>
  void into(Blocks& into_blocks, Fn&& fn) {
    Blocks* saved = sink_;
    sink_ = &into_blocks;
    fn();
    flush();
    sink_ = saved;
  }

  // Starts a block element: ends the running paragraph, and inside a
  // heading or a cell (where blocks cannot nest) walks the element as text
  // instead; true when that is done.
  bool walked_as_text(const GumboNode* n, int depth) {
    flush();
    if (!capturing()) return false;
    walk_children(n, depth);
    flush();
    return true;
  }

  void walk_children(const GumboNode* n, int depth) {
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) walk(static_cast<const GumboNode*>(kids.data[i]), depth + 1);
  }

  void walk(const GumboNode* n, int depth) {
    if (depth > kMaxWalkDepth) {
      if (!walk_depth_noted_) view_.notes.push_back("content nested deeper than the view shows was left out");
      walk_depth_noted_ = true;
      return;
    }
    switch (n->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        add_text(n->v.text.text);
        return;
      case GUMBO_NODE_ELEMENT:
        break;
      default:
        return;  // comments, templates, the document node
    }
    if (is_hidden(n)) return;
    GumboTag t = n->v.element.tag;
    if (int level = heading_level(t)) {
      flush();
      std::string text = capture([&] { walk_children(n, depth); });
      if (capturing()) {
        add_text(text);
        add_text(" ");
      } else if (!text.empty()) {
        Block b;
        b.type = BlockType::kHeading;
        b.level = level;
        b.text = std::move(text);
        sink_->push_back(std::move(b));
      }
      return;
    }
    switch (t) {
      case GUMBO_TAG_BR:
        if (pre_ > 0) {
          inline_ += '\n';
        } else {
          trim_trailing_space();
          inline_ += '\n';
        }
        return;
      case GUMBO_TAG_HR:
        flush();
        if (!capturing()) sink_->push_back(Block::rule());
        return;
      case GUMBO_TAG_IMG:
        image(n);
        return;
      case GUMBO_TAG_A:
        if (const char* href = attr(n, "href")) {
          link(n, href, depth);
          return;
        }
        walk_children(n, depth);
        return;
      case GUMBO_TAG_PRE:
      case GUMBO_TAG_LISTING:
      case GUMBO_TAG_XMP:
      case GUMBO_TAG_PLAINTEXT:
        pre(n, depth);
        return;
      case GUMBO_TAG_UL:
      case GUMBO_TAG_OL:
      case GUMBO_TAG_MENU:
      case GUMBO_TAG_DIR:
        list(n, depth);
        return;
      case GUMBO_TAG_DL:
        flush();
        walk_children(n, depth);
        flush();
        return;
      case GUMBO_TAG_DD:
      case GUMBO_TAG_BLOCKQUOTE: {
        if (walked_as_text(n, depth)) return;
        Block b;
        b.type = t == GUMBO_TAG_DD ? BlockType::kIndent : BlockType::kQuote;
        into(b.children, [&] { walk_children(n, depth); });
        if (!b.children.empty()) sink_->push_back(std::move(b));
        return;
      }
      case GUMBO_TAG_TABLE:
        table(n, depth);
        return;
      case GUMBO_TAG_INPUT:
        input(n);
        return;
      case GUMBO_TAG_BUTTON: {
        std::string text = capture([&] { walk_children(n, depth); });
        add_text("[" + text + "]");
        return;
      }
      case GUMBO_TAG_TEXTAREA: {
        std::string text;
        text_of(n, text, 0);
        add_text("[" + collapse(text) + "]");
        return;
      }
      case GUMBO_TAG_SELECT:
        select(n);
        return;
      case GUMBO_TAG_OPTION:
      case GUMBO_TAG_OPTGROUP:
        return;  // outside a select: nothing to show
      default:
        break;
    }
    if (is_block(t)) {
      flush();
      walk_children(n, depth);
      flush();
      return;
    }
    walk_children(n, depth);
  }

  // A URL as written in the page, resolved, and the resource it names.
  // Pages repeat their links (menus, footers): each is resolved once.
  const std::pair<std::string, std::optional<std::string>>& target_of(const char* ref) {
    auto [it, fresh] = targets_.try_emplace(ref);
    if (fresh) {
      it->second.first = resolve_url(base_, ref);
      if (page_.resource_of) it->second.second = page_.resource_of(it->second.first);
    }
    return it->second;
  }

  void image(const GumboNode* n) {
    const char* alt = attr(n, "alt");
    const char* src = attr(n, "src");
    Image img;
    img.alt = alt ? collapse(alt) : "";
    if (src) std::tie(img.src, img.resource_id) = target_of(src);
    if (!img.alt.empty()) add_text(img.alt);
    else if (!alt) add_text("[image]");  // alt="" marks decoration: nothing shows
    view_.images.push_back(std::move(img));
  }

  void link(const GumboNode* n, const char* href, int depth) {
    const auto& [target, resource_id] = target_of(href);
    if (starts_with_ascii_ci(target, "javascript:")) {
      walk_children(n, depth);  // not a place to go; its text still shows
      return;
    }
    Link l;
    l.n = static_cast<int>(view_.links.size()) + 1;
    std::string text;
    text_of(n, text, 0);
    l.text = collapse(text);
    // An icon-only link (an <svg> search glass) is named for screen readers.
    if (l.text.empty())
      l.text = collapse(attr(n, "aria-label") ? attr(n, "aria-label") : attr(n, "title") ? attr(n, "title") : "");
    if (l.text.size() > kMaxLinkText) {
      std::size_t cut = kMaxLinkText;
      while (cut > 0 && (static_cast<unsigned char>(l.text[cut]) & 0xC0) == 0x80) --cut;
      l.text = l.text.substr(0, cut) + "...";
    }
    l.href = target;
    l.resource_id = resource_id;
    int number = l.n;
    view_.links.push_back(std::move(l));
    walk_children(n, depth);
    if (pre_ == 0) trim_trailing_space();
    inline_ += "[" + std::to_string(number) + "]";
  }

  void pre(const GumboNode* n, int depth) {
    if (walked_as_text(n, depth)) return;
    std::string saved = std::move(inline_);
    inline_.clear();
    ++pre_;
    walk_children(n, depth);
    --pre_;
    std::string text = std::move(inline_);
    inline_ = std::move(saved);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (!text.empty()) sink_->push_back(Block::with_text(BlockType::kPre, std::move(text)));
  }

  void list(const GumboNode* n, int depth) {
    if (walked_as_text(n, depth)) return;
    Block b;
    b.type = BlockType::kList;
    b.ordered = n->v.element.tag == GUMBO_TAG_OL;
    if (b.ordered) {
      if (const char* start = attr(n, "start")) {
        char* end = nullptr;
        long v = std::strtol(start, &end, 10);
        // Bounded, so that numbering the items cannot overflow.
        if (end != start) b.start = std::clamp(v, -1'000'000'000L, 1'000'000'000L);
      }
    }
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      auto* kid = static_cast<const GumboNode*>(kids.data[i]);
      if (kid->type == GUMBO_NODE_WHITESPACE || kid->type == GUMBO_NODE_COMMENT) continue;
      if (is_element(kid) && is_hidden(kid)) continue;
      // Content outside an <li> (a nested list written straight into its
      // parent, as many pages do) belongs to the item before it.
      bool new_item = tag_of(kid) == GUMBO_TAG_LI || b.items.empty();
      if (new_item) b.items.emplace_back();
      into(b.items.back(), [&] {
        if (tag_of(kid) == GUMBO_TAG_LI) walk_children(kid, depth + 1);
        else walk(kid, depth + 1);
      });
    }
    while (!b.items.empty() && b.items.back().empty()) b.items.pop_back();
    if (!b.items.empty()) sink_->push_back(std::move(b));
  }

  void table_rows(const GumboNode* n, Block& b, int depth) {
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      auto* kid = static_cast<const GumboNode*>(kids.data[i]);
      if (!is_element(kid) || is_hidden(kid)) continue;
      GumboTag t = kid->v.element.tag;
      if (t == GUMBO_TAG_THEAD || t == GUMBO_TAG_TBODY || t == GUMBO_TAG_TFOOT) {
        table_rows(kid, b, depth + 1);
      } else if (t == GUMBO_TAG_CAPTION) {
        std::string text = capture([&] { walk_children(kid, depth + 1); });
        if (!text.empty()) sink_->push_back(Block::with_text(BlockType::kParagraph, std::move(text)));
      } else if (t == GUMBO_TAG_TR) {
        std::vector<std::string> row;
        bool any = false;
        const GumboVector& cells = kid->v.element.children;
        for (unsigned c = 0; c < cells.length; ++c) {
          auto* cell = static_cast<const GumboNode*>(cells.data[c]);
          GumboTag ct = tag_of(cell);
          if ((ct != GUMBO_TAG_TD && ct != GUMBO_TAG_TH) || is_hidden(cell)) continue;
          row.push_back(capture([&] { walk_children(cell, depth + 2); }));
          any = any || !row.back().empty();
        }
        if (any) b.rows.push_back(std::move(row));
      }
    }
  }

  void table(const GumboNode* n, int depth) {
    if (walked_as_text(n, depth)) return;
    Block b;
    b.type = BlockType::kTable;
    table_rows(n, b, depth);
    if (!b.rows.empty()) sink_->push_back(std::move(b));
  }

  void input(const GumboNode* n) {
    std::string type = lower(attr(n, "type"));
    const char* value = attr(n, "value");
    std::string v = value ? collapse(value) : "";
    if (type == "checkbox") add_text(attr(n, "checked") ? "[x]" : "[ ]");
    else if (type == "radio") add_text(attr(n, "checked") ? "(*)" : "( )");
    else if (type == "submit" || type == "button" || type == "reset") add_text("[" + (v.empty() ? type : v) + "]");
    else if (type == "image") add_text("[" + collapse(attr(n, "alt") ? attr(n, "alt") : "submit") + "]");
    else if (type == "file") add_text("[file]");
    else {
      std::string ph = collapse(attr(n, "placeholder") ? attr(n, "placeholder") : "");
      add_text("[" + (!v.empty() ? v : !ph.empty() ? ph : std::string("____")) + "]");
    }
  }

  void select(const GumboNode* n) {
    // The option a browser shows: the selected one, else the first.
    std::string first, chosen;
    std::vector<const GumboNode*> groups{n};  // the select, then its optgroups
    while (!groups.empty() && chosen.empty()) {
      const GumboNode* x = groups.back();
      groups.pop_back();
      const GumboVector& kids = x->v.element.children;
      for (unsigned i = kids.length; i-- > 0;) {
        auto* kid = static_cast<const GumboNode*>(kids.data[i]);
        if (tag_of(kid) == GUMBO_TAG_OPTGROUP) groups.push_back(kid);
      }
      for (unsigned i = 0; i < kids.length; ++i) {
        auto* kid = static_cast<const GumboNode*>(kids.data[i]);
        if (tag_of(kid) != GUMBO_TAG_OPTION) continue;
        std::string text;
        text_of(kid, text, 0);
        if (first.empty()) first = collapse(text);
        if (attr(kid, "selected")) {
          chosen = collapse(text);
          break;
        }
      }
    }
    add_text("[" + (chosen.empty() ? first : chosen) + "]");
  }

  View& view_;
  const Page& page_;
  std::string base_;
  Blocks* sink_;
  std::string inline_;
  int capture_ = 0;
  int pre_ = 0;
  bool title_seen_ = false;
  bool base_seen_ = false;
  bool walk_depth_noted_ = false;
  std::unordered_map<std::string, std::pair<std::string, std::optional<std::string>>> targets_;
};

struct GumboOutputDeleter {
  const GumboOptions* options;
  void operator()(GumboOutput* out) const { gumbo_destroy_output(options, out); }
};

}  // namespace

Result<View> html_to_view(const Page& page) {
  if (page.bytes.size() > page.max_bytes) {
    return Error{ErrorKind::kTooLarge, "page_too_large",
                 "the page is " + std::to_string(page.bytes.size()) + " bytes; the browser opens pages up to " +
                     std::to_string(page.max_bytes)};
  }
  CharsetChoice cs = choose_html_charset(page.bytes, page.content_type, page.default_charset);
  std::string_view body = page.bytes.substr(cs.bom_len);
  if (!cs.charset.starts_with("UTF-16") && looks_binary(body)) {
    return Error::invalid_argument("not_a_web_page", "this is binary data, not a web page");
  }
  MC_TRY(std::string utf8, decode_to_utf8(body, cs.charset));
  LimitedMarkup limited = limit_markup(utf8);
  utf8 = std::string();

  View view;
  view.kind = "webpage";
  view.opener = "browser";
  view.charset = cs.charset;
  if (limited.dropped_for_depth > 0) {
    view.notes.push_back("the page nests deeper than 512 levels; " + std::to_string(limited.dropped_for_depth) +
                         " deeper tags were flattened into their text");
  }
  if (limited.dropped_for_formatting > 0) {
    view.notes.push_back(std::to_string(limited.dropped_for_formatting) +
                         " formatting tags beyond 100 left open were ignored");
  }
  if (limited.dropped_for_count > 0) {
    view.notes.push_back("the page has over 1,000,000 elements; " + std::to_string(limited.dropped_for_count) +
                         " more tags were ignored and only their text shows");
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // the view needs no list of parse errors; hostile pages make millions
  std::unique_ptr<GumboOutput, GumboOutputDeleter> out(
      gumbo_parse_with_options(&options, limited.html.data(), limited.html.size()), GumboOutputDeleter{&options});
  if (!out) return Error::internal("the HTML parser gave no document");
  ViewBuilder(view, page).build(out.get());
  return view;
}

}  // namespace mc::client
