#include "core/handler/semver.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace mc::handler {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

Error invalid(std::string_view text, const std::string& why) {
  return Error::invalid_argument("invalid_version", "'" + std::string(text) + "' is not a version (" + why +
                                                        "); write MAJOR.MINOR.PATCH, e.g. 1.4.0");
}

// A number of the core: digits, no leading zero, below 2^31.
bool parse_number(std::string_view s, std::uint32_t& out) {
  if (!all_digits(s) || (s.size() > 1 && s[0] == '0') || s.size() > 10) return false;
  std::uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

}  // namespace

Result<SemVer> SemVer::parse(std::string_view text) {
  if (text.size() > 64) return invalid(text.substr(0, 64), "longer than 64 characters");
  SemVer v;
  std::string_view core = text;
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    core = text.substr(0, dash);
    std::string_view pre = text.substr(dash + 1);
    if (pre.empty()) return invalid(text, "an empty pre-release");
    std::size_t i = 0;
    while (i <= pre.size()) {
      std::size_t j = pre.find('.', i);
      if (j == std::string_view::npos) j = pre.size();
      std::string_view id = pre.substr(i, j - i);
      if (id.empty()) return invalid(text, "an empty pre-release identifier");
      for (char c : id) {
        bool ok = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
        if (!ok) return invalid(text, "a pre-release may hold only letters, digits and '-'");
      }
      if (all_digits(id) && id.size() > 1 && id[0] == '0') return invalid(text, "a leading zero in the pre-release");
      v.prerelease.emplace_back(id);
      i = j + 1;
    }
  }
  std::uint32_t* parts[] = {&v.major, &v.minor, &v.patch};
  std::size_t i = 0;
  for (int n = 0; n < 3; ++n) {
    std::size_t j = n < 2 ? core.find('.', i) : core.size();
    if (j == std::string_view::npos) return invalid(text, "three numbers are needed");
    if (!parse_number(core.substr(i, j - i), *parts[n])) {
      return invalid(text, "each number is digits without a leading zero, below 2147483648");
    }
    i = j + 1;
  }
  if (i != core.size() + 1) return invalid(text, "more than three numbers");
  return v;
}

std::string SemVer::text() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (std::size_t i = 0; i < prerelease.size(); ++i) s += (i == 0 ? "-" : ".") + prerelease[i];
  return s;
}

std::strong_ordering operator<=>(const SemVer& a, const SemVer& b) {
  if (auto c = std::tie(a.major, a.minor, a.patch) <=> std::tie(b.major, b.minor, b.patch); c != 0) return c;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    return a.prerelease.empty() <=> b.prerelease.empty();  // the release is the greater
  }
  for (std::size_t i = 0; i < a.prerelease.size() && i < b.prerelease.size(); ++i) {
    const std::string& x = a.prerelease[i];
    const std::string& y = b.prerelease[i];
    bool xn = all_digits(x), yn = all_digits(y);
    if (xn && yn) {
      if (auto c = x.size() <=> y.size(); c != 0) return c;  // no leading zeros: longer is larger
      if (auto c = x.compare(y) <=> 0; c != 0) return c;
    } else if (xn != yn) {
      return xn ? std::strong_ordering::less : std::strong_ordering::greater;
    } else if (auto c = x.compare(y) <=> 0; c != 0) {
      return c;
    }
  }
  return a.prerelease.size() <=> b.prerelease.size();
}

}  // namespace mc::handler
