// The handlers installed on this terminal and the keys it trusts
// (docs/handlers.md "Keys" and "Installing"), under the profile:
//   HOME/handler-keys.json        the provider's publishing keys, pinned
//   HOME/handlers/installed.json  what is installed, and the highest
//                                 version ever installed of each name
//   HOME/handlers/NAME/VERSION.mch  the package, as the provider signed it
//   HOME/handlers/NAME/state.json   the handler's own small state
// Every package is verified against the pinned keys when it is installed
// and again each time it is loaded, so neither the server nor a changed
// file under HOME can make this terminal run a handler the provider did
// not sign.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/connection.hpp"
#include "client/local/client_config.hpp"
#include "core/handler/package.hpp"

namespace mc::client {

struct PinnedKeys {
  std::vector<std::string> public_keys;  // 32 raw bytes each
  std::vector<std::string> key_ids;
  bool from_config = false;  // [handlers] keys in HOME/config.toml
};

// The configuration's keys when it names any, else those pinned under
// HOME for `server` (each server's keys are pinned apart; none yet: empty).
// Errors: kDataLoss "bad_key_file" for a pinned keys file that does not
// read back.
Result<PinnedKeys> pinned_keys(const std::string& home, const ClientConfig& config, const std::string& server);

// Trust on first use: when the configuration names no keys and none are
// pinned yet for the connection's server, pins the keys it lists (GET
// /v1/handler-keys) and returns their ids; otherwise changes nothing and
// returns none.
Result<std::vector<std::string>> pin_server_keys(Connection& conn, const std::string& home, const ClientConfig& config);

struct InstalledHandler {
  std::string name;
  std::string version;
  std::vector<std::string> kinds;
  std::vector<std::string> mimes;
  std::string sha256;  // of the package file
  std::string key_id;
  std::int64_t installed_at = 0;
};

Result<std::vector<InstalledHandler>> installed_handlers(const std::string& home);

// The installed handler that opens a resource of `kind` and `mime` best
// (core/handler/matching.hpp), if any.
std::optional<InstalledHandler> best_installed(const std::vector<InstalledHandler>& installed, const std::string& kind,
                                               const std::string& mime);

// Verifies `bytes` with `keys`, refuses a version below the highest ever
// installed under its name, refuses one that needs a newer client
// (min_client), loads it once in the sandbox, and only then
// installs it (the package file, then installed.json, both durably). The
// version it replaces keeps working if any step fails. Errors: the
// package's (malformed_package, ...), kPermissionDenied
// "unknown_signing_key" (also when no key is pinned), kDataLoss
// "bad_signature", kFailedPrecondition "handler_downgrade",
// "handler_needs_newer_client", "handler_error"/"handler_limit" (it does
// not load).
Result<InstalledHandler> install_handler(const std::string& home, const std::string& bytes, const PinnedKeys& keys);

// The installed package, read and verified again.
Result<handler::Package> load_installed(const std::string& home, const InstalledHandler& h, const PinnedKeys& keys);

// Removes the handler and its state; the record of the highest version
// stays, so removing cannot open the way to a downgrade. Errors: kNotFound
// "handler_not_installed".
Status remove_handler(const std::string& home, const std::string& name);

// An installed handler's state file: HOME/handlers/NAME/state.json.
std::string handler_state_path(const std::string& home, const std::string& name);
// A handler's state (mc.state_get/state_set) from its file; a file that is
// missing or does not read back gives an empty state (it is the handler's
// cache). Saving writes it durably, creating its folder.
std::map<std::string, std::string> load_handler_state(const std::string& path);
Status save_handler_state(const std::string& path, const std::map<std::string, std::string>& state);

}  // namespace mc::client
