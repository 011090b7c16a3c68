// Registering and logging in (mission 6: every user has a network ID).
#pragma once

#include <string>

#include "client/connection.hpp"
#include "core/wire/records.hpp"

namespace mc::client {

Status register_account(Connection& conn, const std::string& network_id, const std::string& password);
// `device_id` names this client install; "" lets the server choose one. On
// success the connection carries the new token.
Result<wire::Login> login(Connection& conn, const std::string& network_id, const std::string& password,
                          const std::string& device_id);
Status logout(Connection& conn);
// The logged-in user, with this login's device and the user's settings.
Result<wire::User> whoami(Connection& conn);
// Whether senders may see when this user received and opened their shares.
Result<wire::Settings> set_send_receipts(Connection& conn, bool on);

}  // namespace mc::client
