// The provider's handler publishing keys, on the publisher's machine (never
// on msgcenterd): `msgc handler keygen FILE` writes the secret key to FILE
// (mode 0600) and the public key to FILE.pub, for the operator to register.
#pragma once

#include <string>

#include "core/error.hpp"

namespace mc::client {

struct KeyFiles {
  std::string key_id;
  std::string secret_key_path;
  std::string public_key_path;
};

// Errors: kAlreadyExists "file_exists" (neither file is replaced: a lost
// secret key cannot be recovered), kFailedPrecondition "cannot_write_file".
Result<KeyFiles> write_handler_key_pair(const std::string& path);

}  // namespace mc::client
