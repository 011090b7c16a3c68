// Which character encoding a page is in, decided as a browser decides it
// (WHATWG Encoding and the HTML prescan), and the page's bytes decoded to
// UTF-8 with iconv. Invalid bytes become U+FFFD, never an error: a browser
// shows a damaged page rather than none.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mc::client {

// The iconv name for an encoding label as pages write it ("gb2312", "GBK",
// " utf8 ", "latin1"), following the WHATWG table: gb2312 and GBK decode as
// GB18030, Big5 as Big5-HKSCS, Latin-1 and ASCII as windows-1252. nullopt
// for a label no browser knows.
std::optional<std::string> charset_for_label(std::string_view label);

// The charset parameter of a MIME type: "text/html; charset=GBK" -> "GBK".
std::optional<std::string> charset_param(std::string_view mime);

struct CharsetChoice {
  std::string charset;      // iconv name
  std::string source;       // "bom", "content-type", "meta", "default"
  std::size_t bom_len = 0;  // bytes of byte-order mark to skip
};

// BOM first; then the charset of `content_type` (the resource's MIME type);
// then <meta charset> or <meta http-equiv="content-type"> within the first
// 1024 bytes; then `fallback` (a label; UTF-8 if it is not one).
CharsetChoice choose_html_charset(std::string_view bytes, std::string_view content_type, std::string_view fallback);

// For plain text: a BOM, then the charset of `content_type`, then `fallback`
// (no markup to prescan).
CharsetChoice choose_text_charset(std::string_view bytes, std::string_view content_type, std::string_view fallback);

// WHATWG MIME sniffing: a "binary data byte" (a control character other
// than tab, newlines, form feed and escape) in the first 1445 bytes means
// the bytes are not text. Not meaningful for UTF-16.
bool looks_binary(std::string_view bytes);

// `bytes` in `charset` (an iconv name) as UTF-8; each invalid or truncated
// sequence becomes U+FFFD. Errors: kInvalidArgument "unknown_charset" when
// iconv cannot decode that charset on this system.
Result<std::string> decode_to_utf8(std::string_view bytes, const std::string& charset);

// True when `bytes` is well-formed UTF-8.
bool is_valid_utf8(std::string_view bytes);

}  // namespace mc::client
