// The plain request helpers route handlers use, and target parsing.
#include "server/net/http_types.hpp"

#include <charconv>

namespace mc::net {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) {
        return Error::invalid_argument("bad_target", "truncated percent-escape in the request target");
      }
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return Error::invalid_argument("bad_target", "bad percent-escape in the request target");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

const std::string& HttpRequest::header(const std::string& name) const {
  static const std::string kEmpty;
  auto it = headers.find(name);
  return it == headers.end() ? kEmpty : it->second;
}

const std::string* HttpRequest::query_param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

Result<std::int64_t> query_int(const HttpRequest& req, const std::string& name, std::int64_t dflt, std::int64_t min,
                               std::int64_t max) {
  const auto* v = req.query_param(name);
  if (!v) return dflt;
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out < min || out > max) {
    return Error::invalid_argument("invalid_parameter", "'" + name + "' must be an integer from " +
                                                            std::to_string(min) + " to " + std::to_string(max));
  }
  return out;
}

Result<std::pair<std::string, std::map<std::string, std::string>>> parse_target(std::string_view target) {
  std::string_view path = target, qs;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    qs = target.substr(q + 1);
  }
  MC_TRY(auto dpath, percent_decode(path, false));
  std::map<std::string, std::string> query;
  std::size_t i = 0;
  while (i <= qs.size() && !qs.empty()) {
    std::size_t amp = qs.find('&', i);
    if (amp == std::string_view::npos) amp = qs.size();
    std::string_view pair = qs.substr(i, amp - i);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq), true);
      if (!key) return key.error();
      std::string value;
      if (eq != std::string_view::npos) {
        auto v = percent_decode(pair.substr(eq + 1), true);
        if (!v) return v.error();
        value = std::move(v.value());
      }
      query.emplace(std::move(key.value()), std::move(value));
    }
    i = amp + 1;
    if (amp == qs.size()) break;
  }
  return std::make_pair(std::move(dpath), std::move(query));
}

}  // namespace mc::net
