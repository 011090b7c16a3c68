// Groups: named lists of network IDs the user owns and shares to.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "client/connection.hpp"

namespace mc::client {

// Each returns the group as the server has it after the change
// (docs/protocol.md "Group").
Result<boost::json::object> create_group(Connection& conn, const std::string& name,
                                         const std::vector<std::string>& members);
Result<boost::json::object> add_to_group(Connection& conn, const std::string& name,
                                         const std::vector<std::string>& members);
Result<boost::json::object> remove_from_group(Connection& conn, const std::string& name,
                                              const std::vector<std::string>& members);
Result<std::vector<boost::json::object>> list_groups(Connection& conn);
Status delete_group(Connection& conn, const std::string& name);

}  // namespace mc::client
