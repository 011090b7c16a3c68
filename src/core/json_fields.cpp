#include "core/json_fields.hpp"

#include <boost/json/parse.hpp>

namespace mc {

namespace json = boost::json;

Result<json::object> parse_json_object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return Error::invalid_argument("malformed_json", "the body is not valid JSON: " + ec.message());
  }
  if (!v.is_object()) {
    return Error::invalid_argument("malformed_json", "the body must be a JSON object");
  }
  return std::move(v.as_object());
}

Result<std::optional<std::string>> string_field(const json::object& obj, std::string_view name, bool required,
                                                std::size_t max_len) {
  auto it = obj.find(name);
  if (it == obj.end() || it->value().is_null()) {
    if (required) {
      return Error::invalid_argument("missing_field", "field '" + std::string(name) + "' is required");
    }
    return std::optional<std::string>{};
  }
  if (!it->value().is_string()) {
    return Error::invalid_argument("invalid_field", "field '" + std::string(name) + "' must be a string");
  }
  const auto& s = it->value().get_string();
  if (s.size() > max_len) {
    return Error::invalid_argument("field_too_long", "field '" + std::string(name) + "' is longer than " +
                                                         std::to_string(max_len) + " bytes");
  }
  return std::optional<std::string>(std::string(s));
}

Result<std::optional<std::vector<std::string>>> string_list_field(const json::object& obj, std::string_view name,
                                                                  bool required, std::size_t max_items,
                                                                  std::size_t max_len) {
  auto it = obj.find(name);
  if (it == obj.end() || it->value().is_null()) {
    if (required) {
      return Error::invalid_argument("missing_field", "field '" + std::string(name) + "' is required");
    }
    return std::optional<std::vector<std::string>>{};
  }
  if (!it->value().is_array()) {
    return Error::invalid_argument("invalid_field", "field '" + std::string(name) + "' must be an array of strings");
  }
  const auto& arr = it->value().get_array();
  if (arr.size() > max_items) {
    return Error::invalid_argument("too_many_items", "field '" + std::string(name) + "' has more than " +
                                                         std::to_string(max_items) + " entries");
  }
  std::vector<std::string> out;
  out.reserve(arr.size());
  for (const auto& v : arr) {
    if (!v.is_string()) {
      return Error::invalid_argument("invalid_field", "field '" + std::string(name) + "' must be an array of strings");
    }
    if (v.get_string().size() > max_len) {
      return Error::invalid_argument("field_too_long", "an entry of '" + std::string(name) + "' is longer than " +
                                                           std::to_string(max_len) + " bytes");
    }
    out.emplace_back(v.get_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

}  // namespace mc
