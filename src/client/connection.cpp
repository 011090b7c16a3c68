#include "client/connection.hpp"

#include <boost/json.hpp>

#include "client/transport/http_status.hpp"

namespace mc::client {

namespace json = boost::json;

Result<std::unique_ptr<Connection>> Connection::open(const std::string& server_url, std::string token) {
  MC_TRY(auto url, parse_url(server_url));
  return std::unique_ptr<Connection>(new Connection(std::move(url), std::move(token)));
}

Headers Connection::auth_headers(const Headers& extra) const {
  Headers h = extra;
  if (!token_.empty()) h["Authorization"] = "Bearer " + token_;
  return h;
}

Error error_from_reply(const HttpReply& reply) { return error_from_http(reply.status, reply.body); }

Result<json::value> Connection::call(std::string_view method, const std::string& target, const json::value* body,
                                     const Headers& extra) {
  std::string text = body ? json::serialize(*body) : std::string();
  MC_TRY(auto reply, http_.request(method, target, text, auth_headers(extra)));
  if (!is_success(reply.status)) return error_from_reply(reply);
  if (reply.body.empty()) return json::value(nullptr);
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  if (ec) return Error::network("the server's answer is not JSON: " + ec.message());
  return v;
}

Result<json::object> answer_object(Result<json::value> answer) {
  if (!answer) return answer.error();
  if (answer->is_null()) return json::object{};  // 204
  if (!answer->is_object()) return Error{ErrorKind::kInternal, "unexpected_answer", "the answer is no object"};
  return std::move(answer->as_object());
}

}  // namespace mc::client
