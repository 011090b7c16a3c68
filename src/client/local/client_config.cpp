#include "client/local/client_config.hpp"

#include <toml++/toml.h>

#include <filesystem>

#include "client/browser/charset.hpp"

namespace mc::client {

namespace {

Error bad(const std::string& path, const std::string& what) {
  return Error::invalid_argument("bad_config", path + ": " + what);
}

Status read_int(const std::string& path, const std::string& key, const toml::node& node, std::int64_t lo,
                std::int64_t hi, std::int64_t& out) {
  auto v = node.value<std::int64_t>();
  if (!v || *v < lo || *v > hi) {
    return bad(path, key + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  out = *v;
  return {};
}

}  // namespace

Result<ClientConfig> load_client_config(const std::string& home) {
  ClientConfig cfg;
  std::string path = home + "/config.toml";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return cfg;
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return bad(path, std::string(e.description()) + " (line " + std::to_string(e.source().begin.line) + ")");
  }
  for (const auto& [section, node] : tbl) {
    if ((section.str() != "browser" && section.str() != "handlers") || !node.is_table()) {
      return bad(path, "unknown setting '" + std::string(section.str()) + "' (known: [browser], [handlers])");
    }
    if (section.str() == "handlers") {
      for (const auto& [k, v] : *node.as_table()) {
        if (k.str() != "keys") return bad(path, "unknown setting 'handlers." + std::string(k.str()) + "'");
        const auto* list = v.as_array();
        if (!list) return bad(path, "handlers.keys must be a list of public keys (64 hex digits each)");
        for (const auto& e : *list) {
          auto key = e.value<std::string>();
          bool hex = key && key->size() == 64;
          for (char c : key.value_or("")) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
          if (!hex) return bad(path, "handlers.keys must be a list of public keys (64 lower-case hex digits each)");
          cfg.handlers.keys.push_back(*key);
        }
      }
      continue;
    }
    BrowserConfig& b = cfg.browser;
    for (const auto& [k, v] : *node.as_table()) {
      std::string key = "browser." + std::string(k.str());
      if (k.str() == "fetch_external") {
        auto flag = v.value<bool>();
        if (!flag) return bad(path, key + " must be true or false");
        b.fetch_external = *flag;
      } else if (k.str() == "fetch_max_bytes") {
        MC_TRY_STATUS(read_int(path, key, v, 1, std::int64_t{1} << 30, b.fetch_max_bytes));
      } else if (k.str() == "fetch_timeout_seconds") {
        MC_TRY_STATUS(read_int(path, key, v, 1, 600, b.fetch_timeout_seconds));
      } else if (k.str() == "max_page_bytes") {
        MC_TRY_STATUS(read_int(path, key, v, 1024, std::int64_t{1} << 30, b.max_page_bytes));
      } else if (k.str() == "default_charset") {
        auto s = v.value<std::string>();
        if (!s || !charset_for_label(*s)) return bad(path, key + " must name a charset, such as \"utf-8\" or \"gbk\"");
        b.default_charset = *s;
      } else {
        return bad(path, "unknown setting '" + key + "'");
      }
    }
  }
  return cfg;
}

}  // namespace mc::client
