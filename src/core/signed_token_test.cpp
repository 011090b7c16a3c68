#include "core/signed_token.hpp"

#include <gtest/gtest.h>

namespace mc {

namespace {
const std::string kKey(32, 'k');
}

TEST(SignedToken, OpensWhatItSigned) {
  auto t = sign_token(kKey, "cursor", R"({"p":12})");
  auto back = open_token(kKey, "cursor", t);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, R"({"p":12})");
  // base64url only: safe in a query string and a path.
  EXPECT_EQ(t.find_first_of("+/= "), std::string::npos);
}

TEST(SignedToken, RefusesAChangedTokenAnotherKeyOrAnotherPurpose) {
  auto t = sign_token(kKey, "cursor", "payload");
  std::string changed = t;
  changed[2] = changed[2] == 'A' ? 'B' : 'A';
  for (const auto& bad :
       {changed, t.substr(0, t.size() - 1), t + "A", std::string("no-dot"), std::string("."), std::string(5000, 'a')}) {
    auto r = open_token(kKey, "cursor", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_token");
  }
  EXPECT_FALSE(open_token(std::string(32, 'x'), "cursor", t));
  EXPECT_FALSE(open_token(kKey, "link", t));
}

}  // namespace mc
