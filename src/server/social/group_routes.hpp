// Routes of groups: named lists of network IDs a user owns and shares to.
// Registered by social_area.cpp.
#pragma once

#include "server/net/router.hpp"
#include "store/account_store.hpp"
#include "store/group_store.hpp"

namespace mc::social {

using store::kMaxGroupMembers;

// Lives as long as the area: routes hold it by reference.
struct GroupContext {
  store::AccountStore& accounts;
  store::GroupStore& groups;
};

void register_group_routes(net::Router& router, GroupContext& c);

// Group names: 1-32 characters of [a-z0-9_.-]. Errors: kInvalidArgument
// "invalid_group_name".
Status validate_group_name(const std::string& name);

}  // namespace mc::social
