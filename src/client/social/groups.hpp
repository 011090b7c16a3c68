// Groups: named lists of network IDs the user owns and shares to.
#pragma once

#include <string>
#include <vector>

#include "client/connection.hpp"
#include "core/wire/records.hpp"

namespace mc::client {

// Each returns the group as the server has it after the change.
Result<wire::Group> create_group(Connection& conn, const std::string& name, const std::vector<std::string>& members);
Result<wire::Group> add_to_group(Connection& conn, const std::string& name, const std::vector<std::string>& members);
// Errors: kInvalidArgument "missing_field" when `members` is empty.
Result<wire::Group> remove_from_group(Connection& conn, const std::string& name,
                                      const std::vector<std::string>& members);
Result<std::vector<wire::Group>> list_groups(Connection& conn);
Status delete_group(Connection& conn, const std::string& name);

}  // namespace mc::client
