// A view as a terminal shows it: the title, headings marked by level,
// paragraphs wrapped, lists indented and numbered, tables as aligned
// columns, pre verbatim, and the numbered links listed at the end.
#pragma once

#include <string>
#include <string_view>

#include "client/view/view.hpp"

namespace mc::client {

// Wrapped to `width` columns; East Asian wide characters count two.
std::string render_text(const View& v, int width = 80);

// `s` with every control character but newline and tab (C0, DEL, C1)
// replaced by U+FFFD: a page's "&#x1b;]52;..." must not reach the terminal
// as an escape sequence (clipboard writes, a new window title, a spoofed
// screen).
std::string terminal_safe(std::string_view s);

// Columns `s` (UTF-8) takes on a terminal.
int display_width(std::string_view s);

}  // namespace mc::client
