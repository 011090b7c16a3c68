// A handler as its author keeps it: a folder with manifest.json and the
// Lua sources (docs/handlers.md). `msgc handler publish DIR` signs it into
// a package; `msgc handler run DIR FILE` runs it on a local file without
// signing or a server, for the author to try it.
#pragma once

#include <optional>
#include <string>

#include "client/connection.hpp"
#include "client/handlers/sandbox.hpp"
#include "core/handler/package.hpp"
#include "core/wire/records.hpp"

namespace mc::client {

// The folder's manifest and files, checked as build_package checks them.
// Errors: kNotFound "file_not_found" (no DIR/manifest.json),
// "invalid_manifest", "invalid_package_path" (a file the format cannot
// carry), "package_too_large".
Result<handler::Package> read_handler_dir(const std::string& dir);

// Signs the folder with the secret key in `key_path` and uploads it
// (POST /v1/handlers). Errors: read_handler_dir's, "bad_key_file", and the
// server's: 403 unknown_signing_key, 409 handler_version_exists, ...
Result<wire::Handler> publish_handler(Connection& conn, const std::string& dir, const std::string& key_path);

struct LocalRun {
  std::string dir;   // the handler's folder
  std::string file;  // the resource's bytes
  std::string type;  // the resource's kind; "" = the manifest's first kind
  std::string mime;
  std::string title;  // "" = the file's name
  int page = 1;
  std::function<std::optional<std::string>(const std::string&)> input;
  std::function<void(const View&)> show;
};

// Runs an unsigned handler folder on a local file in the sandbox, with
// the sandbox's default limits. With `state_home`, the handler's state is
// kept in STATE_HOME/handler-runs/NAME/state.json from run to run (apart
// from what installed handlers keep).
Result<handlers::HandlerResult> run_handler_dir(const LocalRun& run, const std::string& state_home = "");

}  // namespace mc::client
