// AccountStore on the embedded engine: users and sessions.
#pragma once

#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/account_store.hpp"
#include "store/sqlite/engine.hpp"
#include "store/user_ref_cache.hpp"

namespace mc::store::sqlite {

const AreaSchema& accounts_schema();

// The statements that forget a user's data in this area (?1: the user id),
// run by SqliteBackend::close_account in one transaction.
const std::vector<std::string_view>& accounts_forget_user();

class SqliteAccountStore final : public AccountStore {
 public:
  explicit SqliteAccountStore(Engine& engine) : engine_(engine) {}

  Result<User> create_user(const std::string& network_id, const std::string& password_hash, Role role) override;
  Status create_users(const std::vector<std::string>& network_ids, const std::string& password_hash,
                      Role role) override;
  Result<User> find_user(std::string_view network_id) override;
  Result<std::vector<User>> find_users(const std::vector<std::string>& network_ids) override;
  Result<std::vector<UserRef>> find_user_refs(const std::vector<std::string>& network_ids) override;
  Status create_session(const std::string& token_hash, std::int64_t user_id, const std::string& device_id,
                        std::int64_t expires_at) override;
  Status create_sessions(const std::vector<NewSession>& sessions) override;
  Result<Session> find_session(const std::string& token_hash) override;
  Status delete_session(const std::string& token_hash) override;
  Status set_send_receipts(std::int64_t user_id, bool on) override;

 private:
  Engine& engine_;
  UserRefCache user_refs_;  // network ID -> user id, never stale
};

}  // namespace mc::store::sqlite
