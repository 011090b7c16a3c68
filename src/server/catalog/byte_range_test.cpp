#include "server/catalog/byte_range.hpp"

#include <gtest/gtest.h>

namespace mc::catalog {

TEST(ByteRange, OpenEndedRangeResumesFromOffset) {
  auto d = decide_range("bytes=100-", 1000);
  ASSERT_EQ(d.kind, RangeDecision::kPartial);
  EXPECT_EQ(d.range.offset, 100u);
  EXPECT_EQ(d.range.length, 900u);
}

TEST(ByteRange, ClosedRangeIsClampedToTheEnd) {
  auto d = decide_range("bytes=10-19", 1000);
  ASSERT_EQ(d.kind, RangeDecision::kPartial);
  EXPECT_EQ(d.range.offset, 10u);
  EXPECT_EQ(d.range.length, 10u);
  auto e = decide_range("bytes=990-5000", 1000);
  EXPECT_EQ(e.range.length, 10u);
}

TEST(ByteRange, SuffixRangeTakesTheLastBytes) {
  auto d = decide_range("bytes=-300", 1000);
  ASSERT_EQ(d.kind, RangeDecision::kPartial);
  EXPECT_EQ(d.range.offset, 700u);
  EXPECT_EQ(d.range.length, 300u);
}

TEST(ByteRange, StartPastTheEndIsUnsatisfiable) {
  EXPECT_EQ(decide_range("bytes=1000-", 1000).kind, RangeDecision::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=-0", 1000).kind, RangeDecision::kUnsatisfiable);
}

TEST(ByteRange, MalformedOrMultipleRangesAreIgnored) {
  for (const char* h : {"items=0-1", "bytes=abc", "bytes=5-1", "bytes=0-1,5-6", "bytes=", "bytes=-"}) {
    EXPECT_EQ(decide_range(h, 1000).kind, RangeDecision::kWhole) << h;
  }
}

}  // namespace mc::catalog
