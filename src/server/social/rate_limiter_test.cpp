#include "server/social/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace mc::social {
namespace {

const RateLimiter::Limit kHundredPerDay{100, 100.0 / 86400};

TEST(RateLimiter, ABucketStartsFullAndRefusesPastItsCapacityWithTheWaitUntilRefilled) {
  RateLimiter r;
  std::int64_t t = 1'000'000;
  EXPECT_FALSE(r.take({{"account:1", kHundredPerDay}}, 60, t));
  EXPECT_FALSE(r.take({{"account:1", kHundredPerDay}}, 40, t));
  auto wait = r.take({{"account:1", kHundredPerDay}}, 10, t);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 8640);  // ten tokens at 100 a day
  // An hour later about four tokens are back: three go, ten do not.
  EXPECT_FALSE(r.take({{"account:1", kHundredPerDay}}, 3, t + 3600 * 1000));
  EXPECT_TRUE(r.take({{"account:1", kHundredPerDay}}, 10, t + 3600 * 1000));
  // Other keys are other buckets.
  EXPECT_FALSE(r.take({{"account:2", kHundredPerDay}}, 100, t));
}

TEST(RateLimiter, SeveralBucketsAreTakenFromAllOrNone) {
  RateLimiter r;
  std::int64_t t = 5'000;
  RateLimiter::Limit address{150, 150.0 / 86400};
  EXPECT_FALSE(r.take({{"account:1", kHundredPerDay}, {"address:10.0.0.1", address}}, 100, t));
  // The account is empty: the address keeps its 50.
  EXPECT_TRUE(r.take({{"account:1", kHundredPerDay}, {"address:10.0.0.1", address}}, 50, t));
  // A second account from the same address gets only what the address has left.
  EXPECT_TRUE(r.take({{"account:2", kHundredPerDay}, {"address:10.0.0.1", address}}, 51, t));
  EXPECT_FALSE(r.take({{"account:2", kHundredPerDay}, {"address:10.0.0.1", address}}, 50, t));
}

TEST(RateLimiter, WhatIsGivenBackCanBeTakenAgainUpToTheCapacity) {
  RateLimiter r;
  EXPECT_FALSE(r.take({{"pair:1:2", kHundredPerDay}}, 100, 0));
  EXPECT_TRUE(r.take({{"pair:1:2", kHundredPerDay}}, 1, 0));
  r.give_back({{"pair:1:2", kHundredPerDay}}, 1, 0);
  EXPECT_FALSE(r.take({{"pair:1:2", kHundredPerDay}}, 1, 0));
  r.give_back({{"pair:1:2", kHundredPerDay}}, 500, 0);
  EXPECT_FALSE(r.take({{"pair:1:2", kHundredPerDay}}, 100, 0));
  EXPECT_TRUE(r.take({{"pair:1:2", kHundredPerDay}}, 1, 0));
}

TEST(RateLimiter, MoreThanACapacityIsNeverTaken) {
  RateLimiter r;
  auto wait = r.take({{"device:d1", kHundredPerDay}}, 101, 0);
  ASSERT_TRUE(wait);
  EXPECT_GE(*wait, 86400);
}

TEST(RateLimiter, ForgottenBucketsAreOnlyFullOnes) {
  RateLimiter r(2);
  EXPECT_FALSE(r.take({{"a", kHundredPerDay}}, 100, 5000));
  EXPECT_FALSE(r.take({{"b", kHundredPerDay}}, 1, 5000));
  EXPECT_FALSE(r.take({{"c", kHundredPerDay}}, 1, 5000));  // sweeps: nothing is full yet
  // "a" is still empty after the sweep.
  EXPECT_TRUE(r.take({{"a", kHundredPerDay}}, 1, 5000));
}

}  // namespace
}  // namespace mc::social
