#include "client/account/account.hpp"

#include <boost/json.hpp>

#include "core/wire/codec.hpp"

namespace mc::client {

namespace json = boost::json;

Status register_account(Connection& conn, const std::string& network_id, const std::string& password) {
  json::value body = {{"network_id", network_id}, {"password", password}};
  MC_TRY_STATUS(conn.call("POST", "/v1/accounts", &body));
  return {};
}

Result<wire::Login> login(Connection& conn, const std::string& network_id, const std::string& password,
                          const std::string& device_id) {
  json::object body = {{"network_id", network_id}, {"password", password}};
  if (!device_id.empty()) body["device"] = device_id;
  json::value v = body;
  MC_TRY(auto answer, conn.call("POST", "/v1/sessions", &v));
  MC_TRY(auto session, wire::from_json<wire::Login>(answer));
  conn.set_token(session.token);
  return session;
}

Status logout(Connection& conn) {
  MC_TRY_STATUS(conn.call("DELETE", "/v1/sessions/current"));
  conn.set_token({});
  return {};
}

Result<wire::User> whoami(Connection& conn) {
  MC_TRY(auto answer, conn.call("GET", "/v1/me"));
  return wire::from_json<wire::User>(answer, "user");
}

Result<wire::Settings> set_send_receipts(Connection& conn, bool on) {
  json::value body = {{"send_receipts", on}};
  MC_TRY(auto answer, conn.call("PUT", "/v1/me/settings", &body));
  return wire::from_json<wire::Settings>(answer, "settings");
}

}  // namespace mc::client
