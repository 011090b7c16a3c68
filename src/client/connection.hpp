// A logged-in (or anonymous) link to one msgcenterd: the base every client
// module calls through. Maps the server's error bodies back into Error.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "client/transport/http_client.hpp"
#include "client/transport/url.hpp"
#include "core/error.hpp"

namespace mc::client {

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const std::string& server_url, std::string token = {});

  const Url& url() const { return http_.url(); }
  const std::string& token() const { return token_; }
  void set_token(std::string token) { token_ = std::move(token); }

  // Sends a JSON request and parses a JSON answer. A non-2xx answer becomes
  // the server's Error (status, code, message).
  Result<boost::json::value> call(std::string_view method, const std::string& target,
                                  const boost::json::value* body = nullptr, const Headers& extra = {});

  HttpClient& http() { return http_; }
  // Authorization header (and `extra`) for raw transport calls.
  Headers auth_headers(const Headers& extra = {}) const;

 private:
  Connection(Url url, std::string token) : http_(std::move(url)), token_(std::move(token)) {}
  HttpClient http_;
  std::string token_;
};

// Turns a non-2xx reply into the Error its body describes.
Error error_from_reply(const HttpReply& reply);

// An answer that must be a JSON object; a 204 (no body) is the empty object.
Result<boost::json::object> answer_object(Result<boost::json::value> answer);

}  // namespace mc::client
