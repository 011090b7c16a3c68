// SocialStore on the embedded engine: profiles, own identifiers, the
// matching key, contacts, friends and blocks.
#pragma once

#include <string_view>
#include <vector>

#include "store/social_store.hpp"
#include "store/sqlite/engine.hpp"

namespace mc::store::sqlite {

const AreaSchema& social_schema();

// The statements that forget a user's data in this area (?1: the user id),
// run by SqliteBackend::close_account in one transaction.
const std::vector<std::string_view>& social_forget_user();

// Of `recipient_ids`, those who do not accept shares from `sender_id`, read
// inside a write job of another store (a share filters its recipients in
// the transaction that stores it, so a block made a moment before holds).
Result<std::set<std::int64_t>> refusing_shares_in(mc::sqlite::Database& db, std::int64_t sender_id,
                                                  const std::vector<std::int64_t>& recipient_ids);

class SqliteSocialStore final : public SocialStore {
 public:
  explicit SqliteSocialStore(Engine& engine) : engine_(engine) {}

  Result<Profile> profile(std::int64_t user_id) override;
  Result<Profile> change_profile(std::int64_t user_id, const ProfileChange& change) override;
  Result<std::vector<Identifier>> identifiers(std::int64_t user_id) override;
  Status put_pending_code(std::int64_t user_id, const PendingCode& code) override;
  Result<std::vector<PendingCode>> pending_codes(std::int64_t user_id) override;
  Result<std::vector<PendingCode>> take_verification_attempt(std::int64_t user_id) override;
  Status confirm_identifier(std::int64_t user_id, const std::string& kind, const std::string& value,
                            const std::string& code_hash, const std::string& tag, std::int64_t at) override;
  Status remove_identifier(std::int64_t user_id, const std::string& kind) override;
  Result<std::string> oprf_key(const std::string& candidate) override;
  Result<std::vector<std::string>> directory_tags(std::int64_t viewer_id) override;
  Result<std::vector<DirectoryEntry>> find_by_tags(std::int64_t viewer_id,
                                                   const std::vector<std::string>& tags) override;
  Status replace_contacts(std::int64_t owner_id, const std::vector<std::int64_t>& contact_ids) override;
  Result<std::vector<Person>> contacts(std::int64_t owner_id) override;
  Result<FriendRequestOutcome> send_friend_request(std::int64_t from_id, std::int64_t to_id, const std::string& message,
                                                   std::int64_t at) override;
  Result<FriendRequests> friend_requests(std::int64_t user_id) override;
  Result<Delivery> accept_friend_request(std::int64_t to_id, std::int64_t from_id, std::int64_t at) override;
  Status drop_friend_request(std::int64_t from_id, std::int64_t to_id) override;
  Result<std::vector<Person>> friends(std::int64_t user_id) override;
  Status remove_friend(std::int64_t user_id, std::int64_t friend_id) override;
  Status block(std::int64_t user_id, std::int64_t blocked_id, std::int64_t at) override;
  Status unblock(std::int64_t user_id, std::int64_t blocked_id) override;
  Result<std::vector<Person>> blocked(std::int64_t user_id) override;
  Result<std::set<std::int64_t>> refusing_shares(std::int64_t sender_id,
                                                 const std::vector<std::int64_t>& recipient_ids) override;

 private:
  Engine& engine_;
};

}  // namespace mc::store::sqlite
