// The kinds of resource a provider offers (mission: video, music, novels,
// games, e-commerce products, web pages). The type decides which handler
// opens a resource.
#pragma once

#include <array>
#include <string_view>

#include "core/error.hpp"

namespace mc {

inline constexpr std::array<std::string_view, 6> kResourceTypes = {"video", "music",   "novel",
                                                                   "game",  "product", "webpage"};

Status validate_resource_type(std::string_view type);

}  // namespace mc
