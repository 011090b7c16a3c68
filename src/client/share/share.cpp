#include "client/share/share.hpp"

#include <boost/json.hpp>

namespace mc::client {

namespace json = boost::json;

Result<json::object> send_share(Connection& conn, const ShareMessage& msg) {
  json::array to;
  for (const auto& id : msg.to) to.emplace_back(id);
  json::value body = {{"resource_id", msg.resource_id}, {"to", to}, {"note", msg.note}};
  auto r = conn.call("POST", "/v1/shares", &body);
  if (!r) return r.error();
  return r->at("share").as_object();
}

}  // namespace mc::client
