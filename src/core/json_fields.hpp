// Reading JSON request bodies with precise errors: which field is missing,
// of the wrong kind, or too long. Used by every route that takes a body.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mc {

// Parses `body` as one JSON object. Errors: kInvalidArgument "malformed_json".
Result<boost::json::object> parse_json_object(std::string_view body);

// A string field. Missing and `required` -> kInvalidArgument "missing_field"; not a
// string -> kInvalidArgument "invalid_field"; longer than max_len bytes -> kInvalidArgument
// "field_too_long". Missing and optional -> std::nullopt.
Result<std::optional<std::string>> string_field(const boost::json::object& obj, std::string_view name, bool required,
                                                std::size_t max_len);

// An array of strings, at most max_items of at most max_len bytes each.
Result<std::optional<std::vector<std::string>>> string_list_field(const boost::json::object& obj, std::string_view name,
                                                                  bool required, std::size_t max_items,
                                                                  std::size_t max_len);

}  // namespace mc
