// Limits a page's markup before the HTML parser sees it. The HTML5 tree
// builder scans the stack of open elements for many start tags, so a page
// of 100,000 nested <div>s takes gumbo minutes, and each element costs it
// about 200 bytes. Like Blink, which stops nesting at 512, we keep the text
// and drop the tags beyond the limits: start tags that would nest deeper
// than `max_depth`, formatting tags (<b>, <a>, ...) beyond `max_formatting`
// left open, and every tag after `max_elements`.
//
// The scan is a small tokenizer, not a parser: it knows comments, raw-text
// elements (script, style, textarea, title, ...), quoted attribute values,
// void elements, and the elements a new sibling closes (p, li, td, ...).
// It overestimates depth rather than under, so real pages (tens of levels)
// never reach it.
#pragma once

#include <string>
#include <string_view>

namespace mc::client {

struct MarkupLimits {
  int max_depth = 512;
  int max_formatting = 100;
  long max_elements = 1'000'000;
};

struct LimitedMarkup {
  std::string html;  // the page, with the dropped tags removed
  long dropped_for_depth = 0;
  long dropped_for_formatting = 0;
  long dropped_for_count = 0;
};

LimitedMarkup limit_markup(std::string_view html, const MarkupLimits& limits = {});

}  // namespace mc::client
