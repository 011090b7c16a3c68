#include "client/connection.hpp"

#include <boost/json.hpp>

namespace mc::client {

namespace json = boost::json;

Result<std::unique_ptr<Connection>> Connection::open(const std::string& server_url, std::string token) {
  auto url = parse_url(server_url);
  if (!url) return url.error();
  return std::unique_ptr<Connection>(new Connection(std::move(*url), std::move(token)));
}

Headers Connection::auth_headers(const Headers& extra) const {
  Headers h = extra;
  if (!token_.empty()) h["Authorization"] = "Bearer " + token_;
  return h;
}

Error error_from_reply(const HttpReply& reply) {
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
      const auto* code = e->as_object().if_contains("code");
      const auto* msg = e->as_object().if_contains("message");
      if (code && code->is_string() && msg && msg->is_string()) {
        return Error{reply.status, std::string(code->as_string()), std::string(msg->as_string())};
      }
    }
  }
  return Error{reply.status, "http_" + std::to_string(reply.status),
               "the server answered " + std::to_string(reply.status)};
}

Result<json::value> Connection::call(std::string_view method, const std::string& target, const json::value* body,
                                     const Headers& extra) {
  std::string text = body ? json::serialize(*body) : std::string();
  auto reply = http_.request(method, target, text, auth_headers(extra));
  if (!reply) return reply.error();
  if (reply->status < 200 || reply->status >= 300) return error_from_reply(*reply);
  if (reply->body.empty()) return json::value(nullptr);
  boost::system::error_code ec;
  auto v = json::parse(reply->body, ec);
  if (ec) return Error::network("the server's answer is not JSON: " + ec.message());
  return v;
}

}  // namespace mc::client
