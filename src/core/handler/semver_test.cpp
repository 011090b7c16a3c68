#include "core/handler/semver.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace mc::handler {

// Failures print versions, not bytes.
void PrintTo(const SemVer& v, std::ostream* os) { *os << v.text(); }

namespace {

SemVer v(const char* s) {
  auto r = SemVer::parse(s);
  EXPECT_TRUE(r) << s;
  return r ? *r : SemVer{};
}

TEST(SemVer, ParsesAndPrintsBack) {
  for (const char* s :
       {"0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "2.0.0-rc-1", "2147483647.0.0"}) {
    EXPECT_EQ(v(s).text(), s);
  }
}

TEST(SemVer, RefusesWhatIsNotAVersion) {
  for (const char* s : {"",
                        "1",
                        "1.2",
                        "1.2.3.4",
                        "01.2.3",
                        "1.02.3",
                        "1.2.03",
                        "1.2.3-",
                        "1.2.3-a..b",
                        "1.2.3-01",
                        "1.2.3-a_b",
                        "v1.2.3",
                        " 1.2.3",
                        "1.2.3 ",
                        "2147483648.0.0",
                        "1.2.-3",
                        "a.b.c",
                        "1..3",
                        "1.2.3+build",
                        "1.2.3-"
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    auto r = SemVer::parse(s);
    ASSERT_FALSE(r) << s;
    EXPECT_EQ(r.error().code, "invalid_version");
  }
}

TEST(SemVer, OrdersAsSemver2Says) {
  // The precedence example of semver.org, in order.
  const char* ordered[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                           "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                           "1.0.0-rc.1",  "1.0.0",         "1.9.0",
                           "1.10.0",      "2.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(ordered); ++i) {
    for (std::size_t j = i + 1; j < std::size(ordered); ++j) {
      EXPECT_LT(v(ordered[i]), v(ordered[j])) << ordered[i] << " < " << ordered[j];
      EXPECT_GT(v(ordered[j]), v(ordered[i]));
    }
  }
  EXPECT_LT(v("1.0.0-999"), v("1.0.0-a"));  // numeric identifiers below alphanumeric
  EXPECT_LT(v("1.0.0-alpha.1"), v("1.0.0-alpha.1.0"));
  EXPECT_LT(v("1.0.0-B"), v("1.0.0-a"));  // by bytes: upper case first
  EXPECT_EQ(v("1.2.3"), v("1.2.3"));
  EXPECT_EQ(v("1.2.3-rc.1"), v("1.2.3-rc.1"));
}

}  // namespace
}  // namespace mc::handler
