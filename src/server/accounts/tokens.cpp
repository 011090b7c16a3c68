#include "server/accounts/tokens.hpp"

#include "core/random.hpp"
#include "core/sha256.hpp"

namespace mc::accounts {

std::string new_token() { return std::string(kTokenPrefix) + to_hex(random_bytes(32)); }

std::string token_hash(std::string_view token) { return sha256_raw(token); }

}  // namespace mc::accounts
