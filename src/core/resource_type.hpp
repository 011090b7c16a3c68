// The kinds of resource a provider offers (mission: video, music, novels,
// games, e-commerce products, web pages). The type decides which handler
// opens a resource.
#pragma once

#include <array>
#include <string_view>

#include "core/error.hpp"

namespace mc {

// "file" is anything else: no handler of its own; it opens as text or details.
inline constexpr std::array<std::string_view, 7> kResourceTypes = {"video",   "music",   "novel", "game",
                                                                   "product", "webpage", "file"};

Status validate_resource_type(std::string_view type);

}  // namespace mc
