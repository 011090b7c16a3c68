// The operator's account commands: `msgcenterd user add` and `user
// add-many`. Each returns the process exit code and prints what it did.
#pragma once

#include <cstdint>
#include <string>

#include "core/caller.hpp"
#include "store/account_store.hpp"

namespace mc::accounts {

// `msgcenterd user add NAME --role ROLE`, password read from stdin.
int add_user(store::AccountStore& accounts, const std::string& network_id, Role role, const std::string& password);

// `msgcenterd user add-many PREFIX COUNT`: users PREFIX1..PREFIXCOUNT with
// one password, hashed once (load tests and benchmarks need thousands of
// accounts; Argon2id for each would take minutes). With `tokens_out`, also
// logs each new user in and writes "NETWORK_ID TOKEN" lines to that file
// (mode 0600), so that a benchmark can open thousands of streams without
// thousands of Argon2id verifications.
int add_many_users(store::AccountStore& accounts, const std::string& prefix, int count, Role role,
                   const std::string& password, const std::string& tokens_out, std::int64_t token_ttl_seconds);

}  // namespace mc::accounts
