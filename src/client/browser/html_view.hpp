// The built-in browser's core: an HTML page's bytes, as they are on the
// web, turned into a view (client/view/view.hpp). The charset is chosen as
// a browser chooses it (charset.hpp), the markup is limited against hostile
// nesting (markup_limits.hpp), and the HTML5 parser is gumbo; what shows is
// what a terminal browser shows: no script, style, template, noscript,
// comments or hidden inputs.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "client/view/view.hpp"
#include "core/error.hpp"

namespace mc::client {

struct Page {
  std::string_view bytes;
  std::string content_type;               // the resource's MIME type; its charset counts
  std::string url;                        // where the page lives: relative links resolve against it
  std::string default_charset = "utf-8";  // when nothing in or about the page names one
  std::size_t max_bytes = 32u << 20;
  // The catalog resource an absolute URL names, if any (links.hpp).
  std::function<std::optional<std::string>(const std::string&)> resource_of;
};

// Errors: kTooLarge "page_too_large" over max_bytes; kInvalidArgument
// "not_a_web_page" when the bytes are binary (as the WHATWG MIME sniffing
// rules define binary), not text.
Result<View> html_to_view(const Page& page);

}  // namespace mc::client
