// Semantic versions (semver 2.0 without build metadata), as handler
// packages carry them: MAJOR.MINOR.PATCH[-PRERELEASE]. Versions only go up
// on a client, so their order must be exact.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mc::handler {

struct SemVer {
  std::uint32_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers; empty: a release

  // Errors: kInvalidArgument "invalid_version" naming what is wrong.
  static Result<SemVer> parse(std::string_view text);
  std::string text() const;
};

// Numbers numerically; a pre-release below its release; pre-release
// identifiers numeric below alphanumeric, numerics numerically, others by
// bytes, a shorter list below a longer one it begins.
std::strong_ordering operator<=>(const SemVer& a, const SemVer& b);
inline bool operator==(const SemVer& a, const SemVer& b) { return (a <=> b) == 0; }

}  // namespace mc::handler
