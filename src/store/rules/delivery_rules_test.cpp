#include "store/rules/delivery_rules.hpp"

#include <gtest/gtest.h>

namespace mc::store::rules {
namespace {

TEST(DeliveryRulesTest, ARetryWithTheSameMeaningReplays) { EXPECT_TRUE(check_replay("c1", "fp", "fp")); }

TEST(DeliveryRulesTest, AReusedClientIdWithAnotherMeaningIsRefused) {
  auto st = check_replay("c1", "fp-a", "fp-b");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::kAlreadyExists);
  EXPECT_EQ(st.error().code, "client_id_reused");
}

TEST(DeliveryRulesTest, AcksMoveForwardUpToTheHead) {
  auto m = plan_ack(5, 10, 2);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->cursor, 5);
  EXPECT_TRUE(m->moved);
  auto at_head = plan_ack(10, 10, 5);
  ASSERT_TRUE(at_head);
  EXPECT_EQ(at_head->cursor, 10);
}

TEST(DeliveryRulesTest, AnOldAckKeepsTheCursor) {
  auto m = plan_ack(3, 10, 7);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->cursor, 7);
  EXPECT_FALSE(m->moved);
  auto same = plan_ack(7, 10, 7);
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->moved);
}

TEST(DeliveryRulesTest, AnAckPastTheHeadIsRefused) {
  auto m = plan_ack(11, 10, 0);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, "ack_beyond_head");
  EXPECT_EQ(m.error().kind, ErrorKind::kFailedPrecondition);
}

TEST(DeliveryRulesTest, OnlyTheFirstOpenOfAShareOrForwardOwesAReceipt) {
  OpenedItem share{wire::ItemKind::kShare, false, true, 1, 2};
  EXPECT_TRUE(receipt_owed(share));
  OpenedItem forward{wire::ItemKind::kForward, false, true, 1, 2};
  EXPECT_TRUE(receipt_owed(forward));
  OpenedItem again = share;
  again.already_opened = true;
  EXPECT_FALSE(receipt_owed(again));
  OpenedItem receipt{wire::ItemKind::kReceipt, false, true, 1, 2};
  EXPECT_FALSE(receipt_owed(receipt));
}

TEST(DeliveryRulesTest, NoReceiptWhenTurnedOffOrToOneself) {
  OpenedItem off{wire::ItemKind::kShare, false, false, 1, 2};
  EXPECT_FALSE(receipt_owed(off));
  OpenedItem self{wire::ItemKind::kShare, false, true, 3, 3};
  EXPECT_FALSE(receipt_owed(self));
}

TEST(DeliveryRulesTest, RefusingRecipientsAreLeftOutAndNamedInOrder) {
  NewShare s;
  s.recipient_ids = {1, 2, 3, 4};
  s.recipient_names = {"dan", "cat", "bob", "ann"};
  auto split = split_recipients(s, {2, 4});
  EXPECT_EQ(split.ids, (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(split.names, (std::vector<std::string>{"dan", "bob"}));
  EXPECT_EQ(split.refused_names, (std::vector<std::string>{"ann", "cat"}));
  auto none = split_recipients(s, {1, 2, 3, 4});
  EXPECT_TRUE(none.ids.empty());
  EXPECT_EQ(nobody_accepts().code, "not_accepted");
}

}  // namespace
}  // namespace mc::store::rules
