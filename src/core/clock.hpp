// Wall-clock time as Unix milliseconds, the unit of every timestamp we store
// and send.
#pragma once

#include <cstdint>

namespace mc {

std::int64_t now_ms();

}  // namespace mc
