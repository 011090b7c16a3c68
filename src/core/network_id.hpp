// Network IDs: the names by which server and terminals address each user
// (mission point 6). 3-32 characters of [a-z0-9_.-].
#pragma once

#include <string_view>

#include "core/error.hpp"

namespace mc {

inline constexpr std::size_t kNetworkIdMin = 3;
inline constexpr std::size_t kNetworkIdMax = 32;

// Returns ok when `id` is a well-formed network ID, else a kInvalidArgument
// "invalid_network_id" error that names the rule it broke.
Status validate_network_id(std::string_view id);

}  // namespace mc
