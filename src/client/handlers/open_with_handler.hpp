// Opening a resource with a handler (mission points 3 and 4, patent claims
// 4 and 8): the installed handler that fits its kind and MIME type best;
// else the provider's store is asked for one, which is downloaded,
// verified against the pinned keys, installed and loaded; else none.
#pragma once

#include <optional>
#include <string>

#include "client/connection.hpp"
#include "client/handlers/installed.hpp"
#include "client/local/client_config.hpp"
#include "client/view/view.hpp"
#include "core/wire/records.hpp"

namespace mc::client {

struct HandlerOpen {
  std::string home;
  ClientConfig config;
  int page = 1;
  std::function<std::optional<std::string>(const std::string&)> input;
  std::function<void(const View&)> show;
};

struct HandlerOpened {
  std::optional<View> view;    // none: no handler here or in the store opens it
  std::string handler;         // "NAME VERSION" of the handler that made the view
  bool installed_now = false;  // downloaded from the store by this open
  // The store offered a handler and it was refused (it did not verify, is
  // older than one installed before, needs a newer client, does not load):
  // the view comes from an installed handler or is none; never from it.
  std::optional<Error> refused;
  std::vector<std::string> pinned_now;  // key ids pinned by this open (trust on first use)
};

// An installed handler that opens the resource's kind is used as it is;
// otherwise the store is asked, and its handler is installed when it fits
// better than what is installed. The store out of reach: what is installed.
// Errors: the sandbox's (handler_limit, handler_error, handler_bad_view),
// an installed file's that no longer verifies (bad_signature), the store's.
Result<HandlerOpened> open_with_handler(Connection& conn, const wire::Resource& r, const std::string& content_path,
                                        const HandlerOpen& o);

// The newest version of every handler in the store, by name.
Result<std::vector<wire::Handler>> list_store_handlers(Connection& conn);

// Downloads `h`'s package and installs it as install_handler does.
Result<InstalledHandler> update_from_store(Connection& conn, const std::string& home, const wire::Handler& h,
                                           const PinnedKeys& keys);

}  // namespace mc::client
