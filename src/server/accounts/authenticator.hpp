// Turns a request's bearer token into the caller's identity. Every route
// except health, register and login calls it: authorization is checked on
// every read and write.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "server/net/http_types.hpp"
#include "store/account_store.hpp"

namespace mc::accounts {

struct Caller {
  std::int64_t user_id = 0;
  std::string network_id;
  std::string role;
  std::string device_id;
  bool is_provider() const { return role == "provider"; }
};

// The bearer token of a request: "Authorization: Bearer TOKEN", or, for
// browsers opening a WebSocket, the access_token query parameter. "" if none.
std::string bearer_token(const net::HttpRequest& req);

class Authenticator {
 public:
  explicit Authenticator(store::AccountStore& accounts) : accounts_(accounts) {}

  // Errors: 401
  // "missing_token", "invalid_token", "token_expired".
  Result<Caller> authenticate(const net::HttpRequest& req) const;
  // As authenticate, and the caller must be a provider. Errors: 403 "forbidden".
  Result<Caller> authenticate_provider(const net::HttpRequest& req) const;

 private:
  store::AccountStore& accounts_;
};

}  // namespace mc::accounts
