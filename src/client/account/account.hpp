// Registering and logging in (mission 6: every user has a network ID).
#pragma once

#include <cstdint>
#include <string>

#include "client/connection.hpp"

namespace mc::client {

struct LoginSession {
  std::string network_id;
  std::string role;
  std::string token;
  std::string device_id;
  std::int64_t expires_at = 0;
};

Status register_account(Connection& conn, const std::string& network_id, const std::string& password);
// `device_id` names this client install; "" lets the server choose one.
Result<LoginSession> login(Connection& conn, const std::string& network_id, const std::string& password,
                           const std::string& device_id);
Status logout(Connection& conn);
Result<boost::json::object> whoami(Connection& conn);
// Whether senders may see when this user received and opened their shares.
Status set_send_receipts(Connection& conn, bool on);

}  // namespace mc::client
