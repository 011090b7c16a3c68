// The terminal's own settings, HOME/config.toml, written by the user (the
// profile beside it is written by msgc). A missing file means defaults; an
// unknown key or a wrong type is an error that names the file and key, so a
// typo never silently turns a setting off.
//
//   [browser]
//   fetch_external = false        # follow links to other sites (http only)
//   fetch_max_bytes = 4194304     # the most an external page may send
//   fetch_timeout_seconds = 10    # the longest an external fetch may take
//   max_page_bytes = 33554432     # the largest page the browser opens
//   default_charset = "utf-8"     # for pages that name none
//
//   [handlers]
//   keys = ["HEX", ...]           # the provider's handler publishing keys (64
//                                 # hex digits each); set, they are the only
//                                 # keys trusted, and none is taken from the server
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace mc::client {

struct BrowserConfig {
  bool fetch_external = false;
  std::int64_t fetch_max_bytes = 4 << 20;
  std::int64_t fetch_timeout_seconds = 10;
  std::int64_t max_page_bytes = 32 << 20;
  std::string default_charset = "utf-8";
};

struct HandlersConfig {
  std::vector<std::string> keys;  // 32-byte Ed25519 public keys, as 64 hex digits
};

struct ClientConfig {
  BrowserConfig browser;
  HandlersConfig handlers;
};

// Errors: kInvalidArgument "bad_config" (unparsable TOML, unknown key, a
// value of the wrong type or out of range).
Result<ClientConfig> load_client_config(const std::string& home);

}  // namespace mc::client
