#include "server/accounts/passwords.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"

namespace mc::accounts {

TEST(Passwords, HashIsArgon2idAndVerifiesOnlyTheRightPassword) {
  init_crypto();
  auto h = hash_password("correct horse");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(*h, "correct horse"));
  EXPECT_FALSE(verify_password(*h, "correct horsf"));
  auto h2 = hash_password("correct horse");
  EXPECT_NE(*h, *h2) << "each hash has its own salt";
}

TEST(Passwords, EnforcesLengthBounds) {
  EXPECT_EQ(validate_password("short").error().code, "weak_password");
  EXPECT_EQ(validate_password(std::string(1025, 'x')).error().code, "password_too_long");
  EXPECT_TRUE(validate_password("eight ch"));
}

}  // namespace mc::accounts
