// Opening what arrives (mission points 4 and 5): a resource, or an inbox
// item's resource, is fetched into the local cache (verified by SHA-256,
// resumable), and shown by the program that opens its kind. Built in: the
// browser for web pages and the text viewer for text; other kinds wait for
// handler packages (docs/view-format.md says what they will produce).
// Following a page's link opens a catalog resource the same way; a link out
// of the catalog is fetched only when the user's configuration allows it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/acquire/download.hpp"
#include "client/connection.hpp"
#include "client/local/client_config.hpp"
#include "client/view/view.hpp"
#include "core/wire/records.hpp"

namespace mc::client {

struct OpenOptions {
  std::string home;  // the profile directory: resources are cached in HOME/cache
  ClientConfig config;
  std::optional<int> link;  // follow this link (1-based) of the opened page
  ProgressFn progress;      // download progress, when a resource is fetched
  int page = 1;             // for a handler's paged view (a novel)
  // Whose local store (client/local/local_store.hpp) an inbox item is
  // looked up in when the server cannot be reached.
  std::string network_id;
  // An interactive handler's input lines and intermediate views (a game).
  std::function<std::optional<std::string>(const std::string&)> input;
  std::function<void(const View&)> show;
};

struct Opened {
  wire::Resource resource;  // what was opened (the link's target when following one)
  std::string path;         // its verified local copy ("" for an external page)
  View view;
  std::optional<std::string> item_id;    // set when an inbox item was opened (and marked opened)
  std::optional<Link> followed;          // the link that was followed
  bool external = false;                 // it leads out of the catalog ...
  bool fetched = false;                  // ... and was fetched (browser.fetch_external)
  std::string handler;                   // "NAME VERSION" when a handler made the view
  bool handler_installed = false;        // ... downloaded, verified and installed by this open
  bool offline = false;                  // the server could not be reached: opened from what is stored here
  std::optional<Error> handler_refused;  // the store's handler was refused (the view says so too)
  std::vector<std::string> pinned_keys;  // handler key ids pinned by this open
};

// `id`: a resource id (r_...) or an inbox item id (i_...).
// Web pages open in the built-in browser; other resources with the best
// handler installed, else one fetched from the provider's store
// (client/handlers/open_with_handler.hpp); else text in the text viewer;
// else a details view (what it is, where its file is). A resource opened
// before opens again with the server down, from HOME/cache.
// Errors: the server's (resource_not_found, item_not_found, ...); download
// errors; a handler's (handler_limit, handler_error, handler_bad_view,
// bad_signature, unknown_signing_key, handler_downgrade); the opener's
// (page_too_large, not_a_web_page, not_text); kInvalidArgument
// "no_such_link" for a link number the page does not have; for an external
// fetch, kInvalidArgument "unsupported_url" (not http), kTooLarge
// "page_too_large", kUnavailable "fetch_timeout", network errors.
Result<Opened> open_resource(Connection& conn, const std::string& id, const OpenOptions& options);

// Which built-in opener shows a resource: "browser", "text", or "" (none).
std::string opener_for(const wire::Resource& r);

}  // namespace mc::client
