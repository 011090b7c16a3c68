// Random identifiers and secrets from the OS CSPRNG (libsodium).
#pragma once

#include <string>
#include <string_view>

namespace mc {

// Initialises libsodium; safe to call many times. Call once before any other
// function here (the server and the client do it at start).
void init_crypto();

std::string random_bytes(std::size_t n);
std::string to_hex(std::string_view bytes);
// A new id: prefix + 20 lower-case hex characters (80 random bits), e.g.
// "r_3f9a...". Prefixes say what an id names: r_ resource, s_ share, i_ item.
std::string new_id(std::string_view prefix);

}  // namespace mc
