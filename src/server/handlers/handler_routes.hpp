// The handler store's routes (docs/protocol.md "Handlers"): providers
// upload signed packages; users list them by what they open, read one
// version's record and signature, and download its bytes; anyone logged in
// reads the registered publishing keys, which clients pin.
#pragma once

#include <mutex>
#include <string>

#include "server/net/router.hpp"
#include "store/handler_store.hpp"

namespace mc::handlers {

struct HandlerContext {
  store::HandlerStore& store;
  std::string dir;  // BLOBS/handlers: NAME/VERSION-SHA256.mch, the bytes as uploaded
  // One upload at a time: the check that a version is new, the file and
  // the row go together.
  std::mutex publish_mu;
};

// Named by content too: two nodes of a tier taking the same version at once
// write two files, and the row that wins names its own.
std::string package_path(const HandlerContext& c, const std::string& name, const std::string& version,
                         const std::string& sha256);

// Removes temporary files a crash left in the package folders.
void remove_temporaries(const std::string& dir);

void register_handler_routes(net::Router& router, HandlerContext& c);

}  // namespace mc::handlers
