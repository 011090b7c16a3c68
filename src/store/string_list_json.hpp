// How every backend stores a list of strings (tags, a forward's chain) in
// one text column: a JSON array.
#pragma once

#include <string>
#include <vector>

namespace mc::store {

// Anything but an array of strings reads as the empty list.
std::vector<std::string> strings_from_json(const std::string& text);
std::string strings_to_json(const std::vector<std::string>& list);

}  // namespace mc::store
