// Turns a request's bearer token into the caller's identity. The router
// calls it for every route declared kUser or kProvider (net/router.hpp):
// authorization is checked on every read and write.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/caller.hpp"
#include "core/error.hpp"
#include "server/net/http_types.hpp"
#include "store/account_store.hpp"

namespace mc::accounts {

// The bearer token of a request: "Authorization: Bearer TOKEN", or, for
// browsers opening a WebSocket, the access_token query parameter. "" if none.
std::string bearer_token(const net::HttpRequest& req);

// Sessions found in the store are kept in memory for `cache_ms`: every
// request authenticates, and a store read per request was the largest part
// of a share's cost after the write itself. Logging out through log_out()
// takes effect at once; a session removed behind the server's back (another
// node, an operator) is honoured for at most `cache_ms` more. Expiry is
// checked on every request, cached or not.
class Authenticator {
 public:
  struct Options {
    std::int64_t cache_ms = 5000;
    // Called after a logout with the token's hash, so that other nodes can
    // forget() it at once (over the bus) rather than after cache_ms.
    std::function<void(const std::string& token_hash)> on_log_out;
    std::size_t cache_entries = 100000;   // then the cache starts over
    std::function<std::int64_t()> clock;  // unset: now_ms (tests pass a fake)
  };
  explicit Authenticator(store::AccountStore& accounts) : Authenticator(accounts, Options{}) {}
  Authenticator(store::AccountStore& accounts, Options opts);

  // Errors: kUnauthenticated "missing_token", "invalid_token",
  // "token_expired".
  Result<Caller> authenticate(const net::HttpRequest& req) const;
  // Ends the session of the request's token, in the store and in the cache.
  Status log_out(const net::HttpRequest& req);
  // Drops a session from this node's cache: another node logged it out.
  void forget(const std::string& token_hash);

 private:
  struct Cached {
    Caller caller;
    std::int64_t expires_at = 0;
    std::int64_t fresh_until = 0;
  };
  std::int64_t now() const;

  store::AccountStore& accounts_;
  Options opts_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, Cached> cache_;  // by token hash
  // Bumped by every log_out: a store read that raced one is not cached, or
  // it could bring the session back.
  std::uint64_t logouts_ = 0;
};

}  // namespace mc::accounts
