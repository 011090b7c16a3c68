#include "server/social/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace mc::social {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string v4_text(const unsigned char* b) {
  char out[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, b, out, sizeof out);
  return out;
}

}  // namespace

std::optional<std::string> canonical_ip(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  if (s.front() == '[') {  // [v6] or [v6]:port
    auto close = s.find(']');
    if (close == std::string::npos) return std::nullopt;
    s = s.substr(1, close - 1);
  } else if (std::count(s.begin(), s.end(), ':') == 1) {  // v4:port
    s = s.substr(0, s.find(':'));
  }
  unsigned char b[16];
  if (inet_pton(AF_INET, s.c_str(), b) == 1) return v4_text(b);
  if (inet_pton(AF_INET6, s.c_str(), b) != 1) return std::nullopt;
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, sizeof kMapped) == 0) return v4_text(b + 12);
  char out[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, b, out, sizeof out);
  return std::string(out);
}

std::string client_bucket(std::string_view peer, std::string_view forwarded,
                          const std::vector<std::string>& trusted_proxies) {
  auto is_trusted = [&](const std::string& ip) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), ip) != trusted_proxies.end();
  };
  std::string client = canonical_ip(peer).value_or(std::string(peer));
  if (is_trusted(client)) {
    std::string_view rest = forwarded;
    while (!rest.empty()) {
      auto comma = rest.rfind(',');
      std::string_view part = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
      auto ip = canonical_ip(part);
      if (!ip) break;  // not an address: trust nothing further back
      client = *ip;
      if (!is_trusted(client)) break;
    }
  }
  unsigned char b[16];
  if (inet_pton(AF_INET6, client.c_str(), b) == 1) {
    std::fill(b + 8, b + 16, 0);
    char out[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, b, out, sizeof out);
    return std::string(out) + "/64";
  }
  return client;
}

}  // namespace mc::social
