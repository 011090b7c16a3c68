// The operator's handler-key commands: `msgcenterd handler-key add FILE`
// registers a publishing key's public half (the secret half stays with the
// publisher), and `handler-key list` shows what is registered. Each returns
// the process exit code.
#pragma once

#include <string>

#include "store/handler_store.hpp"

namespace mc::handlers {

int add_handler_key(store::HandlerStore& store, const std::string& public_key_file);
int list_handler_keys(store::HandlerStore& store);

}  // namespace mc::handlers
