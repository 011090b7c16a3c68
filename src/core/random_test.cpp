#include "core/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace mc {

TEST(NewId, HasPrefixAndTwentyEightHexDigits) {
  init_crypto();
  auto id = new_id("s_");
  ASSERT_EQ(id.size(), 30u);
  EXPECT_EQ(id.substr(0, 2), "s_");
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 2), std::string::npos);
}

// Tables keyed by ids grow at their right edge only if later ids sort later.
TEST(NewId, LaterMillisecondsSortLater) {
  init_crypto();
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(new_id("i_"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

TEST(NewId, IdsMadeInOneMillisecondDiffer) {
  init_crypto();
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(new_id("i_"));
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(HexTest, FromHexUndoesToHexAndRefusesJunk) {
  std::string bytes("\x00\x7f\xff ab", 6);
  auto back = from_hex(to_hex(bytes));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, bytes);
  EXPECT_EQ(*from_hex("ABcd"), std::string("\xab\xcd", 2));
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
}

}  // namespace mc
