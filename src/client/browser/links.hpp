// Where a page's links point: URLs resolved as a browser resolves them
// (RFC 3986, Boost.URL), and which of them name a resource of the catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mc::client {

// `ref` resolved against the absolute URL `base`; `ref` as written (trimmed)
// when either cannot be parsed, so the user still sees it.
std::string resolve_url(std::string_view base, std::string_view ref);

// The resource an absolute URL names: "msgc:resource/ID" (also
// "msgc://resource/ID"), or the server's own resource URLs,
// SERVER/v1/resources/ID and SERVER/v1/resources/ID/content, where SERVER
// is `server_base` ("http://host:port[/prefix]").
std::optional<std::string> resource_in_url(std::string_view url, std::string_view server_base);

// Where an absolute http(s) URL asks to connect, and what to ask there.
struct HttpTarget {
  std::string scheme;  // "http" or "https"
  std::string host;
  std::uint16_t port = 80;
  std::string target;  // path and query, "/" at least; never the fragment
};
std::optional<HttpTarget> http_target(std::string_view url);

// The URL a page served from `server_base` has: SERVER/v1/resources/ID/content.
std::string resource_content_url(std::string_view server_base, std::string_view resource_id);

}  // namespace mc::client
