// Personal pushes (docs/protocol.md "Pushes"): campaigns for providers; push
// settings, why a push came, dismissing it and the recommendations for
// users. Answers are the server's JSON objects, handed on as they are.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "client/connection.hpp"

namespace mc::client {

// action: "create" (`body` is the campaign), "list", "show", "pause",
// "resume", "cancel", "stats" (of `id`).
Result<boost::json::object> campaigns(Connection& conn, const std::string& action, const std::string& id,
                                      const boost::json::object& body);

// GET /v1/me/push-settings, or PUT with `change` when it names any field.
Result<boost::json::object> push_settings(Connection& conn, const boost::json::object& change);

Result<boost::json::object> why_pushed(Connection& conn, const std::string& item_id);
Status dismiss_push(Connection& conn, const std::string& item_id, bool not_interested);
Result<boost::json::object> recommendations(Connection& conn);

}  // namespace mc::client
