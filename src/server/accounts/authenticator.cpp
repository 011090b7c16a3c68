#include "server/accounts/authenticator.hpp"

#include "core/clock.hpp"
#include "server/accounts/tokens.hpp"

namespace mc::accounts {

std::string bearer_token(const net::HttpRequest& req) {
  const auto& auth = req.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() > kBearer.size() && auth.compare(0, kBearer.size(), kBearer) == 0) {
    return auth.substr(kBearer.size());
  }
  if (const auto* q = req.query_param("access_token")) return *q;
  return {};
}

Result<Caller> Authenticator::authenticate(const net::HttpRequest& req) const {
  std::string token = bearer_token(req);
  if (token.empty()) {
    return Error::unauthorized("missing_token", "log in first: send 'Authorization: Bearer TOKEN'");
  }
  if (token.size() > 256) return Error::unauthorized("invalid_token", "the token is not valid");
  auto session = accounts_.find_session(token_hash(token));
  if (!session) {
    if (session.error().status == 404) return Error::unauthorized("invalid_token", "the token is not valid");
    return session.error();
  }
  if (session->expires_at <= now_ms()) {
    return Error::unauthorized("token_expired", "the token has expired: log in again");
  }
  return Caller{session->user.id, session->user.network_id, session->user.role, session->device_id};
}

Result<Caller> Authenticator::authenticate_provider(const net::HttpRequest& req) const {
  auto caller = authenticate(req);
  if (!caller) return caller;
  if (!caller->is_provider()) {
    return Error::forbidden("forbidden", "only a provider account may do this");
  }
  return caller;
}

}  // namespace mc::accounts
