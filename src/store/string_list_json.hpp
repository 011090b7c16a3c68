// How every backend stores a list of strings (tags, a forward's chain) in
// one text column: a JSON array.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mc::store {

// Anything but an array of strings reads as the empty list.
std::vector<std::string> strings_from_json(const std::string& text);
std::string strings_to_json(const std::vector<std::string>& list);

// A list of ids as a JSON array ("[1,2,3]", what SQLite's json_each reads).
std::string ids_to_json(const std::vector<std::int64_t>& ids);
// The non-negative integers of a JSON array ("[1,2]") or a PostgreSQL
// array's text ("{1,2}"), in order.
std::vector<std::int64_t> ids_from_text(const std::string& text);

}  // namespace mc::store
