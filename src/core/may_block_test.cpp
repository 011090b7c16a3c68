#include "core/may_block.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace mc {

TEST(MayBlock, ThrowsOnlyInsideANoBlockingScope) {
  EXPECT_NO_THROW(may_block());
  {
    NoBlockingScope scope;
    EXPECT_THROW(may_block(), WouldBlock);
    {
      NoBlockingScope inner;
      EXPECT_THROW(may_block(), WouldBlock);
    }
    EXPECT_THROW(may_block(), WouldBlock) << "the outer scope still holds";
  }
  EXPECT_NO_THROW(may_block());
}

TEST(MayBlock, TheScopeBelongsToItsThread) {
  NoBlockingScope scope;
  bool threw = true;
  std::thread other([&] {
    try {
      may_block();
      threw = false;
    } catch (const WouldBlock&) {
    }
  });
  other.join();
  EXPECT_FALSE(threw);
}

}  // namespace mc
