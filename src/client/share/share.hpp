// Share (mission 2): form a share message from a resource and send it to one
// or many users named by their network IDs.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "client/connection.hpp"

namespace mc::client {

struct ShareMessage {
  std::string resource_id;
  std::vector<std::string> to;  // network IDs
  std::string note;
};

// Returns the stored share (wire shape, docs/protocol.md "Share").
Result<boost::json::object> send_share(Connection& conn, const ShareMessage& msg);

}  // namespace mc::client
