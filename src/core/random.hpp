// Random identifiers and secrets from the OS CSPRNG (libsodium).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mc {

// Initialises libsodium; safe to call many times. Call once before any other
// function here (the server and the client do it at start).
void init_crypto();

std::string random_bytes(std::size_t n);
std::string to_hex(std::string_view bytes);
// The bytes of lower- or upper-case hex; nullopt for anything else.
std::optional<std::string> from_hex(std::string_view hex);
// A new id: prefix + 28 lower-case hex characters: 12 for the milliseconds
// since the epoch, then 16 for 64 random bits, e.g. "s_019ab3c5d2e1f04c...".
// Ids made in a later millisecond sort after earlier ones (as UUIDv7 does);
// they are not secrets. Prefixes say what an id names: r_ resource, s_ share,
// i_ item, d_ device.
std::string new_id(std::string_view prefix);

}  // namespace mc
