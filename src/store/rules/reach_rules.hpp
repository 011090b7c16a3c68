// Who may reach whom: the one place that decides whether a user accepts a
// share or a friend request from another (docs/protocol.md "Who may reach
// me"). Pure: the stores load the facts, this decides.
#pragma once

#include "store/social_store.hpp"

namespace mc::store::rules {

struct ReachFacts {
  Reach policy = Reach::kEveryone;  // the recipient's who_may_share or who_may_request
  bool blocks_sender = false;       // the recipient blocked the sender
  bool sender_is_friend = false;
  bool sender_is_contact = false;  // the sender is in the recipient's matched contacts
};

// A block always refuses; otherwise the policy decides, "contacts" meaning
// contacts and friends. A refusal looks the same to the sender whatever its
// reason, so a block cannot be told from a policy.
bool may_reach(const ReachFacts& facts);

}  // namespace mc::store::rules
