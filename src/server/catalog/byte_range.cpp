#include "server/catalog/byte_range.hpp"

#include <charconv>

namespace mc::catalog {

namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

RangeDecision decide_range(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return {};
  std::string_view spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return {};
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  auto first = spec.substr(0, dash), last = spec.substr(dash + 1);
  if (first.empty()) {
    // Suffix range: the last N bytes.
    auto n = parse_u64(last);
    if (!n) return {};
    if (*n == 0 || size == 0) return {RangeDecision::kUnsatisfiable, {}};
    std::uint64_t len = std::min(*n, size);
    return {RangeDecision::kPartial, {size - len, len}};
  }
  auto a = parse_u64(first);
  if (!a) return {};
  std::uint64_t b = size == 0 ? 0 : size - 1;
  if (!last.empty()) {
    auto l = parse_u64(last);
    if (!l || *l < *a) return {};
    b = std::min(*l, b);
  }
  if (*a >= size) return {RangeDecision::kUnsatisfiable, {}};
  return {RangeDecision::kPartial, {*a, b - *a + 1}};
}

}  // namespace mc::catalog
