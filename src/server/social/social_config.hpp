// The social section of the server's configuration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mc::social {

struct SocialConfig {
  // Address-book evaluations (points) a day, each bucket refilling evenly
  // over the day (docs/protocol.md "Address-book matching").
  std::int64_t evaluations_per_day_account = 2000;
  std::int64_t evaluations_per_day_device = 2000;
  std::int64_t evaluations_per_day_address = 20000;
  // Proxies (such as the nginx in front of a tier) whose X-Forwarded-For
  // names the client, for the per-address limit. Empty: the socket's peer.
  std::vector<std::string> trusted_proxies;
};

}  // namespace mc::social
