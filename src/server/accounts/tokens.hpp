// Bearer tokens: 32 random bytes shown to the client once; the server keeps
// only their SHA-256, so a copy of the database grants no session.
#pragma once

#include <string>
#include <string_view>

namespace mc::accounts {

inline constexpr std::string_view kTokenPrefix = "mct_";

std::string new_token();
std::string token_hash(std::string_view token);

}  // namespace mc::accounts
