#include "store/rules/reach_rules.hpp"

namespace mc::store::rules {

bool may_reach(const ReachFacts& f) {
  if (f.blocks_sender) return false;
  switch (f.policy) {
    case Reach::kEveryone:
      return true;
    case Reach::kContacts:
      return f.sender_is_friend || f.sender_is_contact;
    case Reach::kFriends:
      return f.sender_is_friend;
    case Reach::kNobody:
      return false;
  }
  return false;
}

}  // namespace mc::store::rules

namespace mc::store {

std::string_view reach_name(Reach r) {
  switch (r) {
    case Reach::kEveryone:
      return "everyone";
    case Reach::kContacts:
      return "contacts";
    case Reach::kFriends:
      return "friends";
    case Reach::kNobody:
      return "nobody";
  }
  return "everyone";
}

std::optional<Reach> parse_reach(std::string_view name) {
  for (auto r : {Reach::kEveryone, Reach::kContacts, Reach::kFriends, Reach::kNobody}) {
    if (reach_name(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace mc::store
