// Reading an operation's JSON request (operations.hpp): the protocol's
// field names, and an error that names the field for one that is missing,
// of the wrong type, out of range, or not a field of the operation at all
// (a typo such as "resouce_id" is an error, not a silently empty request).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mc::client {

class RequestReader {
 public:
  // `fields`: every field the operation takes. Errors: kInvalidArgument
  // "unknown_field" for any other.
  static Result<RequestReader> of(const boost::json::object& request, std::initializer_list<std::string_view> fields);

  // Errors: "missing_field", "invalid_field" (not a string), "field_too_long".
  Result<std::string> required_string(std::string_view name, std::size_t max_len = 4096) const;
  Result<std::optional<std::string>> string(std::string_view name, std::size_t max_len = 4096) const;
  // An integer in [min, max]. Errors: "invalid_field" (not an integer, or out of range).
  Result<std::optional<std::int64_t>> integer(std::string_view name, std::int64_t min, std::int64_t max) const;
  Result<std::optional<bool>> boolean(std::string_view name) const;
  // An array of strings; missing is empty.
  Result<std::vector<std::string>> strings(std::string_view name, std::size_t max_items = 1000,
                                           std::size_t max_len = 256) const;

 private:
  explicit RequestReader(const boost::json::object& r) : r_(&r) {}
  const boost::json::object* r_;
};

}  // namespace mc::client
