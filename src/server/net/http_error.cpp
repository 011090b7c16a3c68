#include "server/net/http_error.hpp"

#include <boost/json.hpp>

namespace mc::net {

HttpResponse json_response(int status, const boost::json::value& body) {
  HttpResponse r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

HttpResponse error_response(const Error& e) {
  boost::json::object err;
  err["code"] = e.code;
  err["message"] = e.message;
  boost::json::object body;
  body["error"] = std::move(err);
  // A transport-level error has no HTTP status of its own; answer 502.
  return json_response(e.status > 0 ? e.status : 502, body);
}

}  // namespace mc::net
