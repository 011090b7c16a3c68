#include "store/rules/reach_rules.hpp"

#include <gtest/gtest.h>

namespace mc::store::rules {
namespace {

TEST(ReachRules, BlockRefusesWhateverThePolicy) {
  for (auto p : {Reach::kEveryone, Reach::kContacts, Reach::kFriends}) {
    EXPECT_FALSE(may_reach({p, true, true, true}));
  }
}

TEST(ReachRules, EachPolicyLetsInWhomItNames) {
  EXPECT_TRUE(may_reach({Reach::kEveryone, false, false, false}));
  EXPECT_FALSE(may_reach({Reach::kContacts, false, false, false}));
  EXPECT_TRUE(may_reach({Reach::kContacts, false, false, true}));
  EXPECT_TRUE(may_reach({Reach::kContacts, false, true, false}));
  EXPECT_FALSE(may_reach({Reach::kFriends, false, false, true}));
  EXPECT_TRUE(may_reach({Reach::kFriends, false, true, false}));
  EXPECT_FALSE(may_reach({Reach::kNobody, false, true, true}));
}

TEST(ReachRules, NamesRoundTrip) {
  for (auto r : {Reach::kEveryone, Reach::kContacts, Reach::kFriends, Reach::kNobody}) {
    EXPECT_EQ(parse_reach(reach_name(r)), r);
  }
  EXPECT_FALSE(parse_reach("friends-only").has_value());
  EXPECT_FALSE(parse_reach("").has_value());
}

}  // namespace
}  // namespace mc::store::rules
