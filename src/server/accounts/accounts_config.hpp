// The accounts section of the server's configuration.
#pragma once

#include <cstdint>

namespace mc::accounts {

struct AccountsConfig {
  std::int64_t token_ttl_seconds = 30LL * 24 * 3600;  // lifetime of a login token
};

}  // namespace mc::accounts
