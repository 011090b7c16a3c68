#include "client/browser/markup_limits.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <unordered_map>
#include <vector>

#include "client/browser/ascii.hpp"

namespace mc::client {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool in(std::span<const std::string_view> set, std::string_view name) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

constexpr std::array<std::string_view, 16> kVoid = {"area",   "base",  "br",     "col",     "embed", "hr",
                                                    "img",    "input", "keygen", "link",    "meta",  "param",
                                                    "source", "track", "wbr",    "basefont"};
// Whose content is text up to their end tag, in HTML content (in <svg> and
// <math> they hold markup). Not <noscript>: gumbo parses with scripting off,
// so its content is markup too.
constexpr std::array<std::string_view, 8> kRawText = {"script", "style",  "textarea", "title",
                                                      "xmp",    "iframe", "noembed",  "noframes"};
// Elements that an element of the same name closes (<p>a<p>b, <li>, <td>).
// Not <a>: a new <a> runs the adoption agency, which may nest what follows
// deeper; an unclosed <a> counts as open, against the formatting limit.
constexpr std::array<std::string_view, 15> kSelfClosing = {"p",        "li",    "dt", "dd", "option",
                                                           "optgroup", "tr",    "td", "th", "thead",
                                                           "tbody",    "tfoot", "rb", "rt", "rp"};
constexpr std::array<std::string_view, 14> kFormatting = {"a",    "b", "big",   "code",   "em",     "font", "i",
                                                          "nobr", "s", "small", "strike", "strong", "tt",   "u"};

// Block elements whose start closes an open <p> (HTML: "close a p element").
constexpr std::array<std::string_view, 33> kClosesParagraph = {
    "address",    "article", "aside",  "blockquote", "center", "details", "dialog", "dir", "div", "dl",   "fieldset",
    "figcaption", "figure",  "footer", "header",     "hgroup", "main",    "menu",   "nav", "ol",  "p",    "section",
    "summary",    "ul",      "h1",     "h2",         "h3",     "h4",      "h5",     "h6",  "pre", "form", "table"};

// Where the search for an element to close stops (HTML's scopes, roughly).
constexpr std::array<std::string_view, 6> kParagraphScope = {"table", "td", "th", "caption", "button", "object"};
constexpr std::array<std::string_view, 6> kListScope = {"ul", "ol", "menu", "table", "td", "th"};
constexpr std::array<std::string_view, 6> kDefinitionScope = {"dl", "table", "td", "th", "ul", "ol"};
constexpr std::array<std::string_view, 1> kTableScope = {"table"};
constexpr std::array<std::string_view, 9> kDefaultScope = {"applet", "caption", "html",   "table",   "td",
                                                           "th",     "marquee", "object", "template"};
constexpr std::array<std::string_view, 1> kSelectScope = {"select"};
constexpr std::array<std::string_view, 1> kRubyScope = {"ruby"};

class Scanner {
 public:
  Scanner(std::string_view in, const MarkupLimits& l) : in_(in), limits_(l) { out_.html.reserve(in.size()); }

  LimitedMarkup run() {
    std::size_t i = 0, copied = 0;
    while (i < in_.size()) {
      auto lt = in_.find('<', i);
      if (lt == std::string_view::npos || lt + 1 >= in_.size()) break;
      i = lt;
      char c = in_[i + 1];
      if (c == '!') {
        if (in_.substr(i, 5) == "<!-->") {
          i += 5;  // an empty comment, as the tokenizer reads it
        } else if (in_.substr(i, 6) == "<!--->") {
          i += 6;
        } else if (in_.substr(i, 4) == "<!--") {
          // Ends at "-->", or at "--!>" (a parse error that still ends it).
          auto end = in_.find("-->", i + 4);
          auto bang = in_.find("--!>", i + 4);
          if (bang < end) i = bang + 4;
          else i = end == std::string_view::npos ? in_.size() : end + 3;
        } else {
          i = skip_to_gt(i + 2);
        }
      } else if (c == '?') {
        i = skip_to_gt(i + 2);
      } else if (c == '/' && i + 2 < in_.size() && is_alpha(in_[i + 2])) {
        std::size_t name_end = read_name(i + 2);
        std::size_t end = skip_to_gt(name_end);
        if (!end_tag(name_)) {
          out_.html.append(in_.substr(copied, i - copied));
          copied = end;
        }
        i = end;
      } else if (is_alpha(c)) {
        std::size_t name_end = read_name(i + 1);
        std::string name = name_;
        std::size_t end = skip_attributes(name_end);
        if (!start_tag(name)) {
          out_.html.append(in_.substr(copied, i - copied));
          copied = end;
        }
        i = end;
        if (name == "plaintext") break;  // the rest is text
        if (foreign_ == 0 && in(kRawText, name)) i = skip_raw_text(i, name);
      } else {
        ++i;
      }
    }
    out_.html.append(in_.substr(copied));
    return std::move(out_);
  }

 private:
  std::size_t skip_to_gt(std::size_t i) {
    auto end = in_.find('>', i);
    return end == std::string_view::npos ? in_.size() : end + 1;
  }

  std::size_t read_name(std::size_t i) {
    name_.clear();
    while (i < in_.size() && !is_html_space(in_[i]) && in_[i] != '/' && in_[i] != '>') {
      if (name_.size() < 32) name_.push_back(ascii_lower(in_[i]));
      ++i;
    }
    return i;
  }

  // Past the tag's '>', stepping over quoted attribute values.
  std::size_t skip_attributes(std::size_t i) {
    while (i < in_.size()) {
      char c = in_[i];
      if (c == '>') return i + 1;
      if (c == '=') {
        ++i;
        while (i < in_.size() && is_html_space(in_[i])) ++i;
        if (i < in_.size() && (in_[i] == '"' || in_[i] == '\'')) {
          auto end = in_.find(in_[i], i + 1);
          i = end == std::string_view::npos ? in_.size() : end + 1;
          continue;
        }
      }
      ++i;
    }
    return i;
  }

  std::size_t skip_raw_text(std::size_t i, const std::string& name) {
    while (i < in_.size()) {
      auto lt = in_.find("</", i);
      if (lt == std::string_view::npos) return in_.size();
      bool match = lt + 2 + name.size() <= in_.size();
      for (std::size_t k = 0; match && k < name.size(); ++k) match = ascii_lower(in_[lt + 2 + k]) == name[k];
      if (match) return lt;  // the end tag itself is scanned as usual
      i = lt + 2;
    }
    return i;
  }

  // Whether to keep the start tag.
  bool start_tag(const std::string& name) {
    // A new <a> takes the open one off the list of active formatting
    // elements (the adoption agency does so).
    if (name == "a") release_formatting(name);
    if (in(kVoid, name)) {
      if (++elements_ <= limits_.max_elements) return true;
      ++out_.dropped_for_count;
      return false;
    }
    // Formatting elements a block closed stay active, and the next inline
    // content re-opens each of them: charge those clones as elements, or a
    // small page of paragraphs multiplies into millions of them.
    elements_ += std::max(0, formatting_ - formatting_in_stack_);
    bool pending = dropped_.count(name) > 0;  // an unclosed dropped one: still too deep
    if (pending || out_of_room(name) || !count_element()) {
      count_drop(name);
      ++dropped_[name];
      return false;
    }
    if (in(kClosesParagraph, name)) close_sibling("p");
    if (in(kSelfClosing, name)) close_sibling(name);
    push(name);
    if (in(kFormatting, name)) ++formatting_, ++active_[name];
    return true;
  }

  bool out_of_room(const std::string& name) const {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth && !(in(kSelfClosing, name) && top_is(name))) return true;
    return in(kFormatting, name) && formatting_ >= limits_.max_formatting;
  }

  void count_drop(const std::string& name) {
    if (elements_ > limits_.max_elements) ++out_.dropped_for_count;
    else if (in(kFormatting, name) && formatting_ >= limits_.max_formatting) ++out_.dropped_for_formatting;
    else ++out_.dropped_for_depth;
  }

  bool count_element() { return ++elements_ <= limits_.max_elements; }

  bool top_is(const std::string& name) const { return !stack_.empty() && stack_.back() == name; }

  // Whether to keep the end tag.
  bool end_tag(const std::string& name) {
    if (auto it = dropped_.find(name); it != dropped_.end()) {
      if (--it->second == 0) dropped_.erase(it);
      return false;
    }
    pop_to(name);
    release_formatting(name);
    return true;
  }

  // Formatting elements stay active after a block closes around them: each
  // later paragraph re-opens them all. Only their own end tag (or, for <a>,
  // a new <a>) ends them, so only that counts down.
  void release_formatting(const std::string& name) {
    auto it = active_.find(name);
    if (it == active_.end()) return;
    --formatting_;
    if (--it->second == 0) active_.erase(it);
  }

  // An element of the same name closes the open one, as far up as the
  // element that scopes it: a new <li> closes the <li> of its own list, not
  // the one its list sits in; a new <td> stays inside its own <table>.
  void close_sibling(const std::string& name) {
    std::span<const std::string_view> stops = kParagraphScope;
    if (name == "li") stops = kListScope;
    else if (name == "dt" || name == "dd") stops = kDefinitionScope;
    else if (name == "tr" || name == "td" || name == "th" || name == "thead" || name == "tbody" || name == "tfoot")
      stops = kTableScope;
    else if (name == "option" || name == "optgroup") stops = kSelectScope;
    else if (name == "rb" || name == "rt" || name == "rp") stops = kRubyScope;
    for (std::size_t k = stack_.size(); k-- > 0;) {
      if (stack_[k] == name) {
        pop_from(k);
        return;
      }
      if (in(stops, stack_[k])) return;
    }
  }

  // Pops the nearest open `name` and everything above it, if it is in
  // scope: an end tag does not reach out of a table or a cell (HTML ignores
  // it there), and a table's own end tags stay inside their table.
  void pop_to(const std::string& name) {
    std::span<const std::string_view> stops = kDefaultScope;
    if (name == "table" || name == "tbody" || name == "thead" || name == "tfoot" || name == "tr" || name == "td" ||
        name == "th" || name == "caption")
      stops = kTableScope;
    for (std::size_t k = stack_.size(); k-- > 0;) {
      if (stack_[k] == name) {
        pop_from(k);
        return;
      }
      if (in(stops, stack_[k])) return;
    }
  }

  void push(const std::string& name) {
    stack_.push_back(name);
    if (name == "svg" || name == "math") ++foreign_;
    if (in(kFormatting, name)) ++formatting_in_stack_;
  }

  void pop_from(std::size_t k) {
    while (stack_.size() > k) {
      const std::string& top = stack_.back();
      if (top == "svg" || top == "math") --foreign_;
      if (in(kFormatting, top)) --formatting_in_stack_;
      stack_.pop_back();
    }
  }

  std::string_view in_;
  MarkupLimits limits_;
  LimitedMarkup out_;
  std::string name_;
  std::vector<std::string> stack_;
  std::unordered_map<std::string, long> dropped_;  // start tags dropped, whose end tags go too
  std::unordered_map<std::string, int> active_;    // formatting elements by name, not yet ended
  int formatting_ = 0;                             // active formatting elements (started, not ended)
  int formatting_in_stack_ = 0;                    // of which are still open in the stack
  int foreign_ = 0;                                // open <svg> and <math>
  long elements_ = 0;
};

}  // namespace

LimitedMarkup limit_markup(std::string_view html, const MarkupLimits& limits) { return Scanner(html, limits).run(); }

}  // namespace mc::client
