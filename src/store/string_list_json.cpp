#include "store/string_list_json.hpp"

#include <boost/json.hpp>

namespace mc::store {

namespace json = boost::json;

std::vector<std::string> strings_from_json(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& t : v.as_array()) {
    if (t.is_string()) out.emplace_back(t.as_string());
  }
  return out;
}

std::string strings_to_json(const std::vector<std::string>& list) {
  json::array arr;
  for (const auto& t : list) arr.emplace_back(t);
  return json::serialize(arr);
}

}  // namespace mc::store
