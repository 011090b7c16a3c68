#include "core/network_id.hpp"

#include <string>

namespace mc {

Status validate_network_id(std::string_view id) {
  if (id.size() < kNetworkIdMin || id.size() > kNetworkIdMax) {
    return Error::invalid_argument("invalid_network_id", "a network ID has 3 to 32 characters");
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) {
      return Error::invalid_argument("invalid_network_id", "a network ID uses only a-z, 0-9, '_', '.' and '-'");
    }
  }
  return {};
}

}  // namespace mc
