// Routes of the accounts area: register, log in, log out, who am I,
// settings. Registered by accounts_area.cpp.
#pragma once

#include <cstdint>

#include "server/accounts/authenticator.hpp"
#include "server/net/router.hpp"
#include "store/account_store.hpp"
#include "store/backend.hpp"

namespace mc::accounts {

// Lives as long as the area: routes hold it by reference.
struct AccountContext {
  store::AccountStore& accounts;
  Authenticator& auth;
  std::int64_t token_ttl_seconds = 0;
  store::Backend* stores = nullptr;  // closing an account reaches every area
};

void register_account_routes(net::Router& router, AccountContext& c);

// Creates an account; used by the routes and by `msgcenterd user add`.
Result<store::User> create_account(store::AccountStore& accounts, const std::string& network_id,
                                   const std::string& password, Role role);

}  // namespace mc::accounts
