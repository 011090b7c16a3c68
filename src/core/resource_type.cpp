#include "core/resource_type.hpp"

#include <string>

namespace mc {

Status validate_resource_type(std::string_view type) {
  for (auto t : kResourceTypes) {
    if (t == type) return {};
  }
  return Error::invalid_argument("invalid_type",
                                 "type must be one of video, music, novel, game, product, webpage, file");
}

}  // namespace mc
