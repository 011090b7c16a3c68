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

std::string ids_to_json(const std::vector<std::int64_t>& ids) {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "]";
}

std::vector<std::int64_t> ids_from_text(const std::string& text) {
  std::vector<std::int64_t> out;
  std::int64_t v = 0;
  bool in = false;
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') {
      v = v * 10 + (ch - '0');
      in = true;
    } else if (in) {
      out.push_back(v);
      v = 0;
      in = false;
    }
  }
  if (in) out.push_back(v);
  return out;
}

}  // namespace mc::store
