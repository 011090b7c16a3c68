// The version of msgcenter's programs and library. A handler package's
// min_client is compared with it; the C API's MC_VERSION_STRING must match.
#pragma once

#include <string_view>

namespace mc {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace mc
