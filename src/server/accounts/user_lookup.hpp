// Turning network IDs from a request into users, with one precise error for
// a malformed ID and one that names the unknown ones.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/account_store.hpp"

namespace mc::accounts {

// Validates and deduplicates `network_ids`, then looks them up. Errors: kInvalidArgument
// "invalid_network_id" naming the bad entry; kNotFound `unknown_code` naming up to
// ten unknown IDs. The result is in no particular order.
Result<std::vector<store::UserRef>> resolve_users(store::AccountStore& accounts,
                                                  const std::vector<std::string>& network_ids,
                                                  const std::string& unknown_code);

}  // namespace mc::accounts
