#include "client/account/account.hpp"

#include <boost/json.hpp>

namespace mc::client {

namespace json = boost::json;

Status register_account(Connection& conn, const std::string& network_id, const std::string& password) {
  json::value body = {{"network_id", network_id}, {"password", password}};
  auto r = conn.call("POST", "/v1/accounts", &body);
  if (!r) return r.error();
  return {};
}

Result<LoginSession> login(Connection& conn, const std::string& network_id, const std::string& password,
                           const std::string& device_id) {
  json::object body = {{"network_id", network_id}, {"password", password}};
  if (!device_id.empty()) body["device"] = device_id;
  json::value v = body;
  auto r = conn.call("POST", "/v1/sessions", &v);
  if (!r) return r.error();
  const auto& o = r->as_object();
  LoginSession s;
  s.token = std::string(o.at("token").as_string());
  s.device_id = std::string(o.at("device_id").as_string());
  s.expires_at = o.at("expires_at").to_number<std::int64_t>();
  s.network_id = std::string(o.at("user").at("network_id").as_string());
  s.role = std::string(o.at("user").at("role").as_string());
  conn.set_token(s.token);
  return s;
}

Status logout(Connection& conn) {
  auto r = conn.call("DELETE", "/v1/sessions/current");
  if (!r) return r.error();
  conn.set_token({});
  return {};
}

Result<json::object> whoami(Connection& conn) {
  auto r = conn.call("GET", "/v1/me");
  if (!r) return r.error();
  return r->at("user").as_object();
}

Status set_send_receipts(Connection& conn, bool on) {
  json::value body = {{"send_receipts", on}};
  auto r = conn.call("PUT", "/v1/me/settings", &body);
  if (!r) return r.error();
  return {};
}

}  // namespace mc::client
