#include "core/catalog/resource_attributes.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>

#include "core/resource_type.hpp"

namespace mc::catalog {

namespace json = boost::json;

namespace {

constexpr std::string_view kCurrencies[] = {
#include "core/catalog/iso4217.inc"
};
static_assert(std::ranges::adjacent_find(kCurrencies, std::greater_equal<>{}) == std::end(kCurrencies),
              "iso4217.inc must be sorted and without repeats: product() looks codes up by binary search");

constexpr std::int64_t kMaxPrice = 1'000'000'000'000;
constexpr std::int64_t kMaxDurationMs = 100'000'000'000;
constexpr std::size_t kMaxUrlBytes = 2000;
constexpr std::size_t kMaxImages = 20;
constexpr std::size_t kMaxAssets = 200;
constexpr std::size_t kMaxChapters = 10'000;
constexpr std::size_t kMaxTitleBytes = 200;

Error bad(const std::string& path, std::string_view what) {
  return Error::invalid_argument("invalid_attributes", path + " " + std::string(what));
}

bool digit(char c) { return c >= '0' && c <= '9'; }
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || digit(c); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool lower_hex(char c) { return digit(c) || (c >= 'a' && c <= 'f'); }

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
// past U+10FFFF. A value built in code, not parsed, may hold any bytes.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80                 ? 1
                    : c >= 0xc2 && c <= 0xdf ? 2
                    : c >= 0xe0 && c <= 0xef ? 3
                    : c >= 0xf0 && c <= 0xf4 ? 4
                                             : 0;
    if (n == 0 || s.size() - i < n) return false;
    std::uint32_t cp = n == 1 ? c : c & (0xffu >> (n + 1));
    for (std::size_t k = 1; k < n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
      return false;
    }
    i += n;
  }
  return true;
}

// A key as a path step: `.name` when it reads plainly, else `["..."]` with
// JSON escapes, so that a message never carries raw control bytes.
std::string step(std::string_view key) {
  bool plain =
      !key.empty() && key.size() <= 64 && std::ranges::all_of(key, [](char c) { return alnum(c) || c == '_'; });
  return plain ? "." + std::string(key) : "[" + json::serialize(key) + "]";
}

std::string indexed(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

Status only_keys(const json::object& obj, const std::string& path, std::initializer_list<std::string_view> known,
                 std::string_view noun) {
  for (const auto& kv : obj) {
    if (std::ranges::find(known, std::string_view(kv.key())) != known.end()) continue;
    std::string list;
    for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    return bad(path + step(kv.key()), list.empty() ? "is unknown: " + std::string(noun) + " has none"
                                                   : "is unknown: " + std::string(noun) + " are " + list);
  }
  return {};
}

// boost::json reads 1000 as int64 and 2^63 as uint64; 12.5 and 1e3 are doubles and no integers here.
std::optional<std::int64_t> as_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

Result<std::int64_t> int_in(const json::value& v, const std::string& path, std::int64_t lo, std::int64_t hi) {
  auto n = as_int(v);
  if (!n || *n < lo || *n > hi) {
    return bad(path, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return *n;
}

bool is_resource_id(std::string_view s) {
  // new_id("r_") in core/random.cpp: the prefix, then 28 lower-case hex digits.
  return s.size() == 30 && s.starts_with("r_") && std::ranges::all_of(s.substr(2), lower_hex);
}

Result<json::array> resource_ids(const json::value& v, std::string_view field, std::size_t max) {
  std::string path = "attributes." + std::string(field);
  if (!v.is_array() || v.get_array().size() > max) {
    return bad(path, "must be an array of up to " + std::to_string(max) + " resource ids");
  }
  const auto& in = v.get_array();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!in[i].is_string() || !is_resource_id(in[i].get_string())) {
      return bad(indexed(path, i), "must be a resource id (r_ and 28 lower-case hex digits)");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (in[j] == in[i]) return bad(indexed(path, i), "repeats " + indexed(std::string(field), j));
    }
  }
  return in;
}

// An absolute http(s) URL that a client may show and open: printable ASCII
// only (an IRI's other characters percent-encoded, so no look-alike hosts
// or direction marks), and no user:password@, which can dress one host up
// as another ("https://shop.example@evil.example/").
Result<json::string> http_url(const json::value& v, const std::string& path) {
  if (!v.is_string()) return bad(path, "must be an http:// or https:// URL");
  std::string_view u = v.get_string();
  if (u.size() > kMaxUrlBytes) return bad(path, "is longer than 2000 bytes");
  if (!std::ranges::all_of(u, [](char c) { return c > 0x20 && c < 0x7f; })) {
    return bad(path, "must be printable ASCII without spaces (percent-encode other characters)");
  }
  std::size_t start = u.starts_with("http://") ? 7 : u.starts_with("https://") ? 8 : 0;
  if (start == 0) return bad(path, "must start with http:// or https://");
  auto rest = u.substr(start);
  auto host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.find('@') != std::string_view::npos) return bad(path, "must not hold a user name or password");
  std::string_view port;
  bool host_ok;
  if (host.starts_with('[')) {
    auto close = host.find(']');
    host_ok =
        close != std::string_view::npos && close > 1 && std::ranges::all_of(host.substr(1, close - 1), [](char c) {
          return lower_hex(c) || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
        });
    if (host_ok) port = host.substr(close + 1);
    host_ok = host_ok && (port.empty() || port[0] == ':');
  } else {
    port = host.substr(std::min(host.find(':'), host.size()));
    host = host.substr(0, host.size() - port.size());
    host_ok = !host.empty() && std::ranges::all_of(host, [](char c) { return alnum(c) || c == '.' || c == '-'; });
  }
  if (!port.empty()) {
    port.remove_prefix(1);
    host_ok = host_ok && !port.empty() && port.size() <= 5 && std::ranges::all_of(port, digit) &&
              std::stoi(std::string(port)) <= 65535;
  }
  if (!host_ok) return bad(path, "must name a host (a domain name or an IP address, and an optional port)");
  return json::string(u);
}

Result<json::object> product(const json::object& a) {
  MC_TRY_STATUS(only_keys(a, "attributes", {"price", "currency", "buy_url", "images"}, "a product's attributes"));
  json::object out;
  if (auto* v = a.if_contains("price")) {
    MC_TRY(out["price"], int_in(*v, "attributes.price", 0, kMaxPrice));
  }
  if (auto* v = a.if_contains("currency")) {
    if (!v->is_string() || !std::ranges::binary_search(kCurrencies, std::string_view(v->get_string()))) {
      return bad("attributes.currency", "must be an ISO 4217 currency code: three upper-case letters, such as EUR");
    }
    out["currency"] = v->get_string();
  }
  if (out.contains("price") && !out.contains("currency")) return bad("attributes.price", "needs attributes.currency");
  if (out.contains("currency") && !out.contains("price")) return bad("attributes.currency", "needs attributes.price");
  if (auto* v = a.if_contains("buy_url")) {
    MC_TRY(out["buy_url"], http_url(*v, "attributes.buy_url"));
  }
  if (auto* v = a.if_contains("images")) {
    MC_TRY(out["images"], resource_ids(*v, "images", kMaxImages));
  }
  return out;
}

Result<json::object> novel(const json::object& a, std::int64_t content_size) {
  MC_TRY_STATUS(only_keys(a, "attributes", {"chapters"}, "a novel's attributes"));
  json::object out;
  auto* v = a.if_contains("chapters");
  if (!v) return out;
  if (!v->is_array()) return bad("attributes.chapters", "must be an array of {\"title\", \"offset\"} objects");
  const auto& in = v->get_array();
  if (in.size() > kMaxChapters) return bad("attributes.chapters", "has more than 10000 chapters");
  json::array chapters;
  chapters.reserve(in.size());
  std::int64_t previous = -1;
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::string path = indexed("attributes.chapters", i);
    if (!in[i].is_object()) return bad(path, "must be an object {\"title\", \"offset\"}");
    const auto& c = in[i].get_object();
    MC_TRY_STATUS(only_keys(c, path, {"title", "offset"}, "a chapter's fields"));
    auto* title = c.if_contains("title");
    if (!title || !title->is_string() || title->get_string().empty() || title->get_string().size() > kMaxTitleBytes ||
        !valid_utf8(title->get_string())) {
      return bad(path + ".title", "must be a non-empty UTF-8 string of up to 200 bytes");
    }
    auto* offset_value = c.if_contains("offset");
    auto offset = offset_value ? as_int(*offset_value) : std::nullopt;
    if (!offset || *offset < 0) return bad(path + ".offset", "must be a non-negative integer");
    if (i > 0 && *offset <= previous) {
      return bad(path + ".offset", "must be greater than " + indexed("chapters", i - 1) + ".offset");
    }
    if (content_size >= 0 && *offset >= content_size) {
      return bad(path + ".offset", "must be less than the content's size (" + std::to_string(content_size) + " bytes)");
    }
    previous = *offset;
    json::object chapter;
    chapter["title"] = title->get_string();
    chapter["offset"] = *offset;
    chapters.emplace_back(std::move(chapter));
  }
  out["chapters"] = std::move(chapters);
  return out;
}

Result<json::object> media_format(const json::value& v) {
  if (!v.is_object()) return bad("attributes.format", "must be an object");
  const auto& f = v.get_object();
  MC_TRY_STATUS(only_keys(f, "attributes.format", {"container", "codec", "sample_rate", "channels", "width", "height"},
                          "a format's fields"));
  json::object out;
  for (std::string_view key : {"container", "codec"}) {
    auto* s = f.if_contains(key);
    if (!s) continue;
    bool ok = s->is_string() && !s->get_string().empty() && s->get_string().size() <= 32 &&
              std::ranges::all_of(s->get_string(), [](char c) {
                return lower_alnum(c) || c == '.' || c == '+' || c == '-' || c == '_';
              });
    // The underscore: ffmpeg names codecs so (pcm_s16le, aac_latm).
    if (!ok) return bad("attributes.format." + std::string(key), "must be 1 to 32 of a-z 0-9 . + - _");
    out[key] = s->get_string();
  }
  struct Bound {
    std::string_view key;
    std::int64_t max;
  };
  for (auto [key, max] : {Bound{"sample_rate", 1'000'000}, {"channels", 64}, {"width", 100'000}, {"height", 100'000}}) {
    if (auto* n = f.if_contains(key)) {
      MC_TRY(out[key], int_in(*n, "attributes.format." + std::string(key), 1, max));
    }
  }
  return out;
}

Result<json::object> media(const json::object& a, std::string_view noun) {
  MC_TRY_STATUS(only_keys(a, "attributes", {"duration_ms", "format"}, noun));
  json::object out;
  if (auto* v = a.if_contains("duration_ms")) {
    MC_TRY(out["duration_ms"], int_in(*v, "attributes.duration_ms", 0, kMaxDurationMs));
  }
  if (auto* v = a.if_contains("format")) {
    MC_TRY(out["format"], media_format(*v));
  }
  return out;
}

// The rule of a handler package's name (docs/handlers.md; checked by
// check_manifest in core/handler/package.cpp, which does not expose it).
bool is_handler_name(std::string_view s) {
  return s.size() >= 3 && s.size() <= 40 && s[0] >= 'a' && s[0] <= 'z' &&
         std::ranges::all_of(s, [](char c) { return lower_alnum(c) || c == '-'; });
}

Result<json::object> game(const json::object& a) {
  MC_TRY_STATUS(only_keys(a, "attributes", {"handler"}, "a game's attributes"));
  json::object out;
  if (auto* v = a.if_contains("handler")) {
    if (!v->is_string() || !is_handler_name(v->get_string())) {
      return bad("attributes.handler", "must be a handler name: 3 to 40 of a-z 0-9 -, starting with a letter");
    }
    out["handler"] = v->get_string();
  }
  return out;
}

Result<json::object> webpage(const json::object& a) {
  MC_TRY_STATUS(only_keys(a, "attributes", {"assets", "url"}, "a web page's attributes"));
  if (a.contains("assets") && a.contains("url")) {
    return bad("attributes", "must hold assets (a page served here) or url (a page elsewhere), not both");
  }
  json::object out;
  if (auto* v = a.if_contains("assets")) {
    MC_TRY(out["assets"], resource_ids(*v, "assets", kMaxAssets));
  }
  if (auto* v = a.if_contains("url")) {
    MC_TRY(out["url"], http_url(*v, "attributes.url"));
  }
  return out;
}

}  // namespace

Result<json::object> validate_attributes(std::string_view type, const json::value* attributes,
                                         std::int64_t content_size) {
  MC_TRY_STATUS(validate_resource_type(type));
  if (!attributes || attributes->is_null()) return json::object{};
  if (!attributes->is_object()) return Error::invalid_argument("invalid_attributes", "attributes must be an object");
  const auto& a = attributes->get_object();
  if (type == "product") return product(a);
  if (type == "novel") return novel(a, content_size);
  if (type == "music") return media(a, "a recording's attributes");
  if (type == "video") return media(a, "a video's attributes");
  if (type == "game") return game(a);
  if (type == "webpage") return webpage(a);
  MC_TRY_STATUS(only_keys(a, "attributes", {}, "a file"));
  return json::object{};
}

std::vector<std::string> referenced_resources(std::string_view type, const json::object& canonical) {
  std::string_view key = type == "product" ? "images" : type == "webpage" ? "assets" : "";
  std::vector<std::string> ids;
  const json::value* list = key.empty() ? nullptr : canonical.if_contains(key);
  if (!list || !list->is_array()) return ids;
  for (const auto& id : list->get_array()) {
    if (id.is_string()) ids.emplace_back(id.get_string());
  }
  return ids;
}

}  // namespace mc::catalog
