// HTTP Range requests (RFC 9110 section 14) for downloads that resume.
// We serve a single range; a multi-range or malformed header is ignored
// and the whole body is sent, as the RFC allows.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mc::catalog {

struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct RangeDecision {
  enum Kind { kWhole, kPartial, kUnsatisfiable } kind = kWhole;
  ByteRange range;  // valid for kPartial
};

RangeDecision decide_range(std::string_view header, std::uint64_t size);

}  // namespace mc::catalog
