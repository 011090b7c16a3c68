// Server addresses as the user types them: http://HOST[:PORT][/PREFIX].
#pragma once

#include <cstdint>
#include <string>

#include "core/error.hpp"

namespace mc::client {

struct Url {
  std::string host;
  std::uint16_t port = 80;
  std::string prefix;  // path prefix without trailing '/', usually ""
  std::string text() const;
};

// Errors: kInvalidArgument "bad_url" (not http://, bad port). https is not supported yet.
Result<Url> parse_url(const std::string& s);

// Percent-encodes a query value or path segment.
std::string url_encode(const std::string& s);

}  // namespace mc::client
