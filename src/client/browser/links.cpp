#include "client/browser/links.hpp"

#include <boost/url.hpp>
// Boost.URL is used header-only: Debian ships no compiled libboost_url, and
// this is the one translation unit that compiles its sources.
#include <boost/url/src.hpp>

#include "client/browser/ascii.hpp"

namespace mc::client {

namespace urls = boost::urls;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_html_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_html_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_resource_id(std::string_view id) {
  if (id.size() < 3 || id.size() > 64 || !id.starts_with("r_")) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Browsers send what pages write; Boost.URL wants it percent-encoded.
std::string encode_loose(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' ||
        c == '|' || c == '}') {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string resolve_url(std::string_view base, std::string_view ref) {
  ref = trim(ref);
  std::string encoded = encode_loose(ref);
  auto b = urls::parse_uri(base);
  auto r = urls::parse_uri_reference(encoded);
  if (!b || !r) return std::string(ref);
  urls::url out;
  if (!urls::resolve(*b, *r, out)) return std::string(ref);
  return std::string(out.buffer());
}

std::optional<std::string> resource_in_url(std::string_view url, std::string_view server_base) {
  auto u = urls::parse_uri(url);
  if (!u) return std::nullopt;
  std::string scheme = ascii_lower(u->scheme());
  if (scheme == "msgc") {
    // msgc:resource/ID or msgc://resource/ID
    std::string rest = u->has_authority() ? std::string(u->encoded_host()) + std::string(u->encoded_path())
                                          : std::string(u->encoded_path());
    if (!rest.starts_with("resource/")) return std::nullopt;
    std::string id = rest.substr(9);
    if (is_resource_id(id)) return id;
    return std::nullopt;
  }
  auto s = urls::parse_uri(server_base);
  if (!s || scheme != ascii_lower(s->scheme()) || ascii_lower(u->encoded_host()) != ascii_lower(s->encoded_host())) {
    return std::nullopt;
  }
  auto port = [](const urls::url_view& v) {
    if (v.has_port()) return std::string(v.port());
    return std::string(ascii_lower(v.scheme()) == "https" ? "443" : "80");
  };
  if (port(*u) != port(*s)) return std::nullopt;
  std::string prefix(s->encoded_path());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  std::string path(u->encoded_path());
  std::string want = prefix + "/v1/resources/";
  if (!path.starts_with(want)) return std::nullopt;
  std::string rest = path.substr(want.size());
  if (rest.ends_with("/content")) rest.resize(rest.size() - 8);
  if (is_resource_id(rest)) return rest;
  return std::nullopt;
}

std::optional<HttpTarget> http_target(std::string_view url) {
  auto u = urls::parse_uri(url);
  if (!u || !u->has_authority() || u->encoded_host().empty()) return std::nullopt;
  HttpTarget t;
  t.scheme = ascii_lower(u->scheme());
  if (t.scheme != "http" && t.scheme != "https") return std::nullopt;
  t.host = std::string(u->encoded_host());
  if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
  t.port = t.scheme == "https" ? 443 : 80;
  if (u->has_port()) {
    if (u->port_number() == 0) return std::nullopt;
    t.port = u->port_number();
  }
  t.target = u->encoded_path().empty() ? std::string("/") : std::string(u->encoded_path());
  if (u->has_query()) t.target += "?" + std::string(u->encoded_query());
  return t;
}

std::string resource_content_url(std::string_view server_base, std::string_view resource_id) {
  std::string base(server_base);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/v1/resources/" + std::string(resource_id) + "/content";
}

}  // namespace mc::client
