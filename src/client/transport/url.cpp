#include "client/transport/url.hpp"

#include <charconv>

namespace mc::client {

std::string Url::text() const {
  return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port) +
         prefix;
}

Result<Url> parse_url(const std::string& s) {
  constexpr std::string_view kScheme = "http://";
  if (s.rfind("https://", 0) == 0) {
    return Error::invalid_argument("bad_url",
                                   "https is not supported yet; put a TLS proxy in front and use http:// on loopback");
  }
  if (s.rfind(kScheme, 0) != 0)
    return Error::invalid_argument("bad_url", "the server URL must start with http://, not '" + s + "'");
  std::string rest = s.substr(kScheme.size());
  Url u;
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    u.prefix = rest.substr(slash);
    while (!u.prefix.empty() && u.prefix.back() == '/') u.prefix.pop_back();
  }
  std::string port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return Error::invalid_argument("bad_url", "unclosed '[' in '" + s + "'");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return Error::invalid_argument("bad_url", "no host in '" + s + "'");
  if (!port.empty()) {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p == 0 || p > 65535) {
      return Error::invalid_argument("bad_url", "bad port in '" + s + "'");
    }
    u.port = static_cast<std::uint16_t>(p);
  }
  return u;
}

std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace mc::client
