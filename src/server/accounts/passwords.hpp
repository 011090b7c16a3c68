// Password hashing with Argon2id (libsodium crypto_pwhash_str). The stored
// string carries its own salt and cost parameters.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mc::accounts {

inline constexpr std::size_t kPasswordMin = 8;
inline constexpr std::size_t kPasswordMax = 1024;

// Errors: kInvalidArgument "weak_password" when shorter than kPasswordMin, kInvalidArgument
// "password_too_long" when longer than kPasswordMax.
Status validate_password(std::string_view password);
Result<std::string> hash_password(std::string_view password);
bool verify_password(const std::string& stored_hash, std::string_view password);
// Spends the time of one verification, so that "no such user" and "wrong
// password" cannot be told apart by timing.
void burn_verification_time(std::string_view password);

}  // namespace mc::accounts
