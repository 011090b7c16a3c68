// Storage of accounts and login sessions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Errors: kAlreadyExists "network_id_taken".
  virtual Result<User> create_user(const std::string& network_id, const std::string& password_hash, Role role) = 0;
  // Creates many users in one transaction (load tests, imports). Errors:
  // kAlreadyExists "network_id_taken" and nothing is created.
  virtual Status create_users(const std::vector<std::string>& network_ids, const std::string& password_hash,
                              Role role) = 0;
  // Errors: kNotFound "user_not_found".
  virtual Result<User> find_user(std::string_view network_id) = 0;
  // The users among `network_ids` that exist, in no particular order.
  virtual Result<std::vector<User>> find_users(const std::vector<std::string>& network_ids) = 0;
  // As find_users, only ids. The pairing never changes, so implementations
  // may answer from memory.
  virtual Result<std::vector<UserRef>> find_user_refs(const std::vector<std::string>& network_ids) = 0;

  // `token_hash` is SHA-256 of the bearer token; the token itself is never stored.
  virtual Status create_session(const std::string& token_hash, std::int64_t user_id, const std::string& device_id,
                                std::int64_t expires_at) = 0;
  struct NewSession {
    std::string token_hash;
    std::int64_t user_id = 0;
    std::string device_id;
    std::int64_t expires_at = 0;
  };
  // Creates many sessions in one transaction (load tests).
  virtual Status create_sessions(const std::vector<NewSession>& sessions) = 0;
  // Errors: kNotFound "session_not_found".
  virtual Result<Session> find_session(const std::string& token_hash) = 0;
  virtual Status delete_session(const std::string& token_hash) = 0;

  virtual Status set_send_receipts(std::int64_t user_id, bool on) = 0;
};

}  // namespace mc::store
