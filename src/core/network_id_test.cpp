#include "core/network_id.hpp"

#include <gtest/gtest.h>

namespace mc {

TEST(NetworkId, AcceptsTheDocumentedAlphabetAndLengths) {
  EXPECT_TRUE(validate_network_id("bob"));
  EXPECT_TRUE(validate_network_id("alice_01.test-x"));
  EXPECT_TRUE(validate_network_id(std::string(32, 'a')));
}

TEST(NetworkId, RejectsTooShortTooLongAndForeignCharacters) {
  for (std::string bad : {std::string("ab"), std::string(33, 'a'), std::string("Alice"), std::string("al ice"),
                          std::string("a/b/c"), std::string("\xc3\xa9t\xc3\xa9"), std::string("")}) {
    auto st = validate_network_id(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().code, "invalid_network_id");
    EXPECT_EQ(st.error().kind, ErrorKind::kInvalidArgument);
  }
}

}  // namespace mc
