#include "client/social/people.hpp"

#include <boost/json.hpp>

#include "client/transport/url.hpp"

namespace mc::client {

namespace json = boost::json;

Result<json::object> profile(Connection& conn, const json::object& change) {
  if (change.empty()) return answer_object(conn.call("GET", "/v1/me/profile"));
  json::value body = change;
  return answer_object(conn.call("PUT", "/v1/me/profile", &body));
}

Result<json::object> add_identifier(Connection& conn, const std::string& kind, const std::string& value) {
  json::value body = {{"kind", kind}, {"value", value}};
  return answer_object(conn.call("POST", "/v1/me/identifiers", &body));
}

Result<json::object> verify_identifier(Connection& conn, const std::string& code) {
  json::value body = {{"code", code}};
  return answer_object(conn.call("POST", "/v1/me/identifiers/verify", &body));
}

Status remove_identifier(Connection& conn, const std::string& kind) {
  MC_TRY_STATUS(conn.call("DELETE", "/v1/me/identifiers/" + url_encode(kind)));
  return {};
}

Result<json::object> friends(Connection& conn, const std::string& action, const std::string& network_id,
                             const std::string& message) {
  const std::string who = url_encode(network_id);
  if (action == "list") return answer_object(conn.call("GET", "/v1/friends"));
  if (action == "requests") return answer_object(conn.call("GET", "/v1/friends/requests"));
  if (action == "add") {
    json::value body = {{"to", network_id}, {"message", message}};
    return answer_object(conn.call("POST", "/v1/friends/requests", &body));
  }
  if (action == "accept") return answer_object(conn.call("POST", "/v1/friends/requests/" + who + "/accept"));
  if (action == "decline") return answer_object(conn.call("POST", "/v1/friends/requests/" + who + "/decline"));
  if (action == "cancel") return answer_object(conn.call("DELETE", "/v1/friends/requests/" + who));
  if (action == "remove") return answer_object(conn.call("DELETE", "/v1/friends/" + who));
  return Error::invalid_argument("invalid_field",
                                 "field 'action' must be list, requests, add, accept, decline, cancel or remove");
}

Result<json::object> blocks(Connection& conn, const std::string& action, const std::string& network_id) {
  if (action == "list") return answer_object(conn.call("GET", "/v1/blocks"));
  if (action == "block") return answer_object(conn.call("PUT", "/v1/blocks/" + url_encode(network_id)));
  if (action == "unblock") return answer_object(conn.call("DELETE", "/v1/blocks/" + url_encode(network_id)));
  return Error::invalid_argument("invalid_field", "field 'action' must be block, unblock or list");
}

}  // namespace mc::client
