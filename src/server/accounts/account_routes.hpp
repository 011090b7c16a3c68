// Routes of the accounts area: register, log in, log out, who am I.
#pragma once

#include <cstdint>

#include "server/accounts/authenticator.hpp"
#include "server/net/router.hpp"
#include "store/account_store.hpp"

namespace mc::accounts {

struct AccountOptions {
  std::int64_t token_ttl_ms = 30LL * 24 * 3600 * 1000;
};

void register_account_routes(net::Router& router, store::AccountStore& accounts, Authenticator& auth,
                             AccountOptions opts);

// Creates an account; used by the routes and by `msgcenterd user add`.
Result<store::User> create_account(store::AccountStore& accounts, const std::string& network_id,
                                   const std::string& password, const std::string& role);

}  // namespace mc::accounts
