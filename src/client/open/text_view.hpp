// The built-in text viewer: a plain-text resource (a novel's chapter, a
// README) as a view. Paragraphs are separated by blank lines; the lines
// inside a paragraph keep their breaks (poetry, addresses).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "client/view/view.hpp"
#include "core/error.hpp"

namespace mc::client {

// The charset is the MIME type's, else `default_charset`; a BOM wins.
// Errors: kTooLarge "page_too_large" over max_bytes; kInvalidArgument
// "not_text" for binary bytes.
Result<View> text_to_view(std::string_view bytes, const std::string& content_type, const std::string& default_charset,
                          std::size_t max_bytes);

}  // namespace mc::client
