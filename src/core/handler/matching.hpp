// Which handler opens a resource: the same ranking on the server (GET
// /v1/handlers?kind=&mime=) and on the client (choosing among installed
// handlers), so both pick the same one. An exact kind beats an exact MIME
// type, which beats a `type/*` wildcard; among equals, the name decides, so
// the choice never depends on the order handlers were published.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mc::handler {

enum class Match { kNone = 0, kMimeWildcard = 1, kMime = 2, kKind = 3 };

// The MIME type without parameters, lower-cased: "Text/Plain; charset=UTF-8"
// -> "text/plain".
std::string essence(std::string_view mime);

// How well a handler that opens `kinds` and `mimes` fits a resource of
// `kind` and `mime` (either may be empty: unknown).
Match match(const std::vector<std::string>& kinds, const std::vector<std::string>& mimes, std::string_view kind,
            std::string_view mime);

std::string_view match_name(Match m);  // "kind", "mime", "mime_wildcard", "none"

}  // namespace mc::handler
