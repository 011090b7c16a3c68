// Routes of groups: named lists of network IDs a user owns and shares to.
#pragma once

#include "server/accounts/authenticator.hpp"
#include "server/net/router.hpp"
#include "store/account_store.hpp"
#include "store/group_store.hpp"

namespace mc::social {

using store::kMaxGroupMembers;

void register_group_routes(net::Router& router, store::AccountStore& accounts, store::GroupStore& groups,
                           const accounts::Authenticator& auth);

// Group names: 1-32 characters of [a-z0-9_.-]. Errors: 400 "invalid_group_name".
Status validate_group_name(const std::string& name);

}  // namespace mc::social
