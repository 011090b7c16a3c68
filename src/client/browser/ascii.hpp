// The ASCII rules HTML and URLs are written in: the five HTML whitespace
// characters, and case folding of ASCII letters only (never locale-dependent,
// and never touching UTF-8 bytes).
#pragma once

#include <string>
#include <string_view>

namespace mc::client {

inline bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

// `s` starts with `lower_prefix` (given in lower case), ignoring ASCII case.
inline bool starts_with_ascii_ci(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i)
    if (ascii_lower(s[i]) != lower_prefix[i]) return false;
  return true;
}

}  // namespace mc::client
