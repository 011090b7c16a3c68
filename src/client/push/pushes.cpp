#include "client/push/pushes.hpp"

#include <boost/json.hpp>

#include "client/transport/url.hpp"

namespace mc::client {

namespace json = boost::json;

Result<json::object> campaigns(Connection& conn, const std::string& action, const std::string& id,
                               const json::object& body) {
  const std::string path = "/v1/campaigns/" + url_encode(id);
  if (action == "create") {
    json::value v = body;
    return answer_object(conn.call("POST", "/v1/campaigns", &v));
  }
  if (action == "list") return answer_object(conn.call("GET", "/v1/campaigns"));
  if (action == "show") return answer_object(conn.call("GET", path));
  if (action == "stats") return answer_object(conn.call("GET", path + "/stats"));
  if (action == "pause" || action == "resume" || action == "cancel") {
    return answer_object(conn.call("POST", path + "/" + action));
  }
  return Error::invalid_argument("invalid_field",
                                 "field 'action' must be create, list, show, pause, resume, cancel or stats");
}

Result<json::object> push_settings(Connection& conn, const json::object& change) {
  if (change.empty()) return answer_object(conn.call("GET", "/v1/me/push-settings"));
  json::value body = change;
  return answer_object(conn.call("PUT", "/v1/me/push-settings", &body));
}

Result<json::object> why_pushed(Connection& conn, const std::string& item_id) {
  return answer_object(conn.call("GET", "/v1/pushes/" + url_encode(item_id)));
}

Status dismiss_push(Connection& conn, const std::string& item_id, bool not_interested) {
  json::value body = json::object{{"not_interested", not_interested}};
  MC_TRY_STATUS(conn.call("POST", "/v1/pushes/" + url_encode(item_id) + "/dismiss", &body));
  return {};
}

Result<json::object> recommendations(Connection& conn) {
  return answer_object(conn.call("GET", "/v1/recommendations"));
}

}  // namespace mc::client
