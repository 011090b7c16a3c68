#include "core/handler/matching.hpp"

#include <algorithm>

namespace mc::handler {

std::string essence(std::string_view mime) {
  auto semi = mime.find(';');
  if (semi != std::string_view::npos) mime = mime.substr(0, semi);
  while (!mime.empty() && (mime.back() == ' ' || mime.back() == '\t')) mime.remove_suffix(1);
  while (!mime.empty() && (mime.front() == ' ' || mime.front() == '\t')) mime.remove_prefix(1);
  std::string out(mime);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Match match(const std::vector<std::string>& kinds, const std::vector<std::string>& mimes, std::string_view kind,
            std::string_view mime) {
  if (!kind.empty() && std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return Match::kKind;
  std::string m = essence(mime);
  auto slash = m.find('/');
  if (m.empty() || slash == std::string::npos) return Match::kNone;
  Match best = Match::kNone;
  for (const auto& h : mimes) {
    if (h == m) return Match::kMime;
    if (h.size() == slash + 2 && h.compare(0, slash + 1, m, 0, slash + 1) == 0 && h.back() == '*') {
      best = Match::kMimeWildcard;
    }
  }
  return best;
}

std::string_view match_name(Match m) {
  switch (m) {
    case Match::kKind:
      return "kind";
    case Match::kMime:
      return "mime";
    case Match::kMimeWildcard:
      return "mime_wildcard";
    case Match::kNone:
      break;
  }
  return "none";
}

}  // namespace mc::handler
