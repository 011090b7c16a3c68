#include "server/accounts/user_lookup.hpp"

#include <set>

#include "core/network_id.hpp"

namespace mc::accounts {

Result<std::vector<store::UserRef>> resolve_users(store::AccountStore& accounts,
                                                  const std::vector<std::string>& network_ids,
                                                  const std::string& unknown_code) {
  std::set<std::string> distinct;
  for (const auto& id : network_ids) {
    if (auto st = validate_network_id(id); !st) {
      return Error::invalid_argument("invalid_network_id", "'" + id + "' is not a network ID: " + st.error().message);
    }
    distinct.insert(id);
  }
  std::vector<std::string> names(distinct.begin(), distinct.end());
  MC_TRY(auto users, accounts.find_user_refs(names));
  if (users.size() != names.size()) {
    std::set<std::string> found;
    for (const auto& u : users) found.insert(u.network_id);
    std::string missing;
    int shown = 0;
    for (const auto& n : names) {
      if (found.count(n)) continue;
      if (shown++ == 10) {
        missing += ", ...";
        break;
      }
      missing += (missing.empty() ? "" : ", ") + n;
    }
    return Error::not_found(unknown_code, "no user with network ID " + missing);
  }
  return users;
}

}  // namespace mc::accounts
