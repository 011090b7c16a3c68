// Storage of the handler store (docs/handlers.md): the provider's registered
// publishing keys and the record of each handler version published. The
// package bytes themselves are files under the data directory
// (server/handlers/); a row here says which file is which version, who
// published it and under which key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace mc::store {

struct HandlerKey {
  std::string key_id;      // 32 hex digits (core/handler/package.hpp key_id)
  std::string public_key;  // 64 hex digits: the 32-byte Ed25519 public key
  std::int64_t added_at = 0;
};

struct HandlerVersion {
  std::string name;
  std::string version;  // semver text, as in the manifest
  std::vector<std::string> kinds;
  std::vector<std::string> mimes;
  std::string entry;
  std::string min_client;
  std::string description;
  std::string sha256;  // of the package file as uploaded
  std::int64_t size = 0;
  std::string key_id;     // the key that signed it
  std::string publisher;  // network ID of the provider account that uploaded it
  std::int64_t published_at = 0;
};

class HandlerStore {
 public:
  virtual ~HandlerStore() = default;

  // Errors: kAlreadyExists "handler_key_exists".
  virtual Result<HandlerKey> add_key(const std::string& key_id, const std::string& public_key_hex) = 0;
  // In the order they were added.
  virtual Result<std::vector<HandlerKey>> list_keys() = 0;

  // `v.publisher` is ignored: the publisher is `publisher_id`.
  // Errors: kAlreadyExists "handler_version_exists".
  virtual Result<HandlerVersion> add_version(const HandlerVersion& v, std::int64_t publisher_id) = 0;
  // Errors: kNotFound "handler_not_found".
  virtual Result<HandlerVersion> get_version(const std::string& name, const std::string& version) = 0;
  // Every version of every handler, by name, then in publishing order. A
  // provider publishes tens of handlers, not millions: the routes rank them
  // (by semver, by match) in code.
  virtual Result<std::vector<HandlerVersion>> list_versions() = 0;
};

}  // namespace mc::store
