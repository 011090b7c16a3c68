// Opaque tokens the server hands out and must recognise later without
// storing them: page cursors and download links. A token is the payload and
// an HMAC-SHA256 over it, both base64url; `purpose` keeps a cursor from
// passing as a link and the other way round.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mc {

// `key`: at least 32 bytes of secret.
std::string sign_token(std::string_view key, std::string_view purpose, std::string_view payload);

// The payload, when `token` was made by sign_token with this key and
// purpose. Errors: kInvalidArgument "invalid_token" (malformed, or a MAC
// that does not match: a changed token).
Result<std::string> open_token(std::string_view key, std::string_view purpose, std::string_view token);

}  // namespace mc
