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

Authenticator::Authenticator(store::AccountStore& accounts, Options opts)
    : accounts_(accounts), opts_(std::move(opts)) {}

std::int64_t Authenticator::now() const { return opts_.clock ? opts_.clock() : now_ms(); }

Result<Caller> Authenticator::authenticate(const net::HttpRequest& req) const {
  std::string token = bearer_token(req);
  if (token.empty()) {
    return Error::unauthenticated("missing_token", "log in first: send 'Authorization: Bearer TOKEN'");
  }
  if (token.size() > 256) return Error::unauthenticated("invalid_token", "the token is not valid");
  const std::string hash = token_hash(token);
  const std::int64_t t = now();
  auto expired = [] { return Error::unauthenticated("token_expired", "the token has expired: log in again"); };
  std::uint64_t logouts_before;
  {
    std::lock_guard lk(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && t < it->second.fresh_until) {
      if (it->second.expires_at <= t) return expired();
      return it->second.caller;
    }
    logouts_before = logouts_;
  }
  auto session = accounts_.find_session(hash);
  if (!session) {
    if (session.error().is(ErrorKind::kNotFound))
      return Error::unauthenticated("invalid_token", "the token is not valid");
    return session.error();
  }
  if (session->expires_at <= t) return expired();
  Caller caller{session->user.id, session->user.network_id, session->user.role, session->device_id};
  if (opts_.cache_ms > 0) {
    std::unordered_map<std::string, Cached> dropped;  // freed after the lock, not under it
    std::lock_guard lk(mu_);
    if (logouts_ == logouts_before) {
      if (cache_.size() >= opts_.cache_entries) dropped.swap(cache_);
      cache_[hash] = Cached{caller, session->expires_at, t + opts_.cache_ms};
    }
  }
  return caller;
}

Status Authenticator::log_out(const net::HttpRequest& req) {
  const std::string hash = token_hash(bearer_token(req));
  {
    std::lock_guard lk(mu_);
    ++logouts_;
    cache_.erase(hash);
  }
  // Erased before the delete and counted: a request that reads the session
  // meanwhile may still pass, as it would have a moment earlier, but cannot
  // put it back in the cache.
  auto st = accounts_.delete_session(hash);
  forget(hash);
  if (st && opts_.on_log_out) opts_.on_log_out(hash);
  return st;
}

void Authenticator::forget(const std::string& token_hash) {
  std::lock_guard lk(mu_);
  ++logouts_;
  cache_.erase(token_hash);
}

}  // namespace mc::accounts
