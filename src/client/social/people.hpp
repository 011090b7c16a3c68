// The people side of the protocol (docs/protocol.md "People"): the user's
// profile and own identifiers, friends and blocks. Answers are the
// server's JSON objects, which the operations hand on as they are.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "client/connection.hpp"

namespace mc::client {

// GET /v1/me/profile, or PUT with `change` when it names any field.
Result<boost::json::object> profile(Connection& conn, const boost::json::object& change);

Result<boost::json::object> add_identifier(Connection& conn, const std::string& kind, const std::string& value);
Result<boost::json::object> verify_identifier(Connection& conn, const std::string& code);
Status remove_identifier(Connection& conn, const std::string& kind);

// action: "list" (friends), "requests" (incoming and outgoing), "add" (a
// request to `network_id`, with `message`), "accept", "decline", "cancel",
// "remove".
Result<boost::json::object> friends(Connection& conn, const std::string& action, const std::string& network_id,
                                    const std::string& message);

// action: "block", "unblock", "list".
Result<boost::json::object> blocks(Connection& conn, const std::string& action, const std::string& network_id);

}  // namespace mc::client
