// Internal to store/postgres/: the area stores on PostgreSQL, each with
// its schema, and the row readers they share.
#pragma once

#include <mutex>
#include <unordered_map>

#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"
#include "store/group_store.hpp"
#include "store/handler_store.hpp"
#include "store/postgres/pg_engine.hpp"
#include "store/push_store.hpp"
#include "store/resource_cache.hpp"
#include "store/social_store.hpp"
#include "store/string_list_json.hpp"
#include "store/user_ref_cache.hpp"

namespace mc::store::postgres {

const PgSchema& accounts_schema();
const PgSchema& catalog_schema();
const PgSchema& delivery_schema();
const PgSchema& groups_schema();
const PgSchema& handlers_schema();
const PgSchema& social_schema();
const PgSchema& push_schema();
// Per area, the statements that forget a user ($1: the user id), run by
// PgBackend::close_account in one transaction.
const std::vector<std::string_view>& catalog_forget_user();
const std::vector<std::string_view>& delivery_forget_user();
const std::vector<std::string_view>& groups_forget_user();
const std::vector<std::string_view>& social_forget_user();
const std::vector<std::string_view>& push_forget_user();
const std::vector<std::string_view>& accounts_forget_user();

// Appends an item about a person (a friend request or acceptance from
// `actor_id`, with `text`) to `user_id`'s inbox in the caller's transaction.
Result<Delivery> append_person_item(pg::Connection& c, std::int64_t user_id, wire::ItemKind kind, std::int64_t actor_id,
                                    const std::string& text, std::int64_t at);
// Appends a push item to `user_id`'s inbox in the caller's transaction.
Result<Delivery> append_push_item(pg::Connection& c, std::int64_t user_id, const PushItem& push);
// Of `recipient_ids`, those who do not accept shares from `sender_id`, in
// the caller's transaction.
Result<std::set<std::int64_t>> refusing_shares_in(pg::Connection& c, std::int64_t sender_id,
                                                  const std::vector<std::int64_t>& recipient_ids);

inline constexpr const char* kUserColumns =
    "u.id, u.network_id, u.password_hash, u.role, u.created_at, u.send_receipts";
User read_user(const Rows& rows, int row, int col);
// Column 10 is the publishing position, the last the publisher's user id.
inline constexpr const char* kResourceColumns =
    "r.id, r.type, r.title, r.tags, r.sha256, b.size, r.mime, r.filename, p.network_id, r.created_at, r.position, "
    "r.description, r.updated_at, r.access, r.shareable, r.share_access_seconds, r.attributes, r.unpublished_at, "
    "r.publisher_id";
inline constexpr int kResourcePositionColumn = 10;
inline constexpr int kResourcePublisherIdColumn = 18;
inline constexpr int kResourceColumnCount = 19;
inline constexpr const char* kResourceJoins =
    "JOIN blobs b ON b.sha256 = r.sha256 JOIN users p ON p.id = r.publisher_id";
// The same, for rows that may have no resource (its columns are then NULL).
inline constexpr const char* kResourceLeftJoins =
    "LEFT JOIN blobs b ON b.sha256 = r.sha256 LEFT JOIN users p ON p.id = r.publisher_id";
Resource read_resource(const Rows& rows, int row, int col);

class PgAccountStore final : public AccountStore {
 public:
  explicit PgAccountStore(PgEngine& e) : e_(e) {}
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
  PgEngine& e_;
  UserRefCache user_refs_;  // network ID -> user id, never stale
};

class PgCatalogStore final : public CatalogStore {
 public:
  explicit PgCatalogStore(PgEngine& e) : e_(e) {}
  Status put_blob(const std::string& sha256, std::int64_t size,
                  std::optional<std::int64_t> uploader = std::nullopt) override;
  Result<bool> holds_blob(const std::string& sha256, std::int64_t user_id) override;
  Result<std::optional<std::int64_t>> blob_size(const std::string& sha256) override;
  Result<Resource> create_resource(const Resource& r, std::int64_t publisher_id) override;
  Status create_resources(const std::vector<Resource>& rs, std::int64_t publisher_id) override;
  Result<Resource> get_resource(const std::string& id) override;
  Result<ResourcePage> list_resources(const std::optional<std::string>& type, std::int64_t after, int limit) override;
  Result<std::int64_t> count_resources() override;
  Result<Resource> update_resource(const std::string& id, const ResourceChange& change) override;
  Result<Resource> unpublish_resource(const std::string& id, std::int64_t at) override;
  Result<AccessFacts> access_facts(const std::string& id, std::int64_t user_id) override;
  Status grant(const std::string& resource_id, std::int64_t user_id, std::int64_t at) override;
  Result<bool> revoke_grant(const std::string& resource_id, std::int64_t user_id) override;
  Result<std::vector<std::string>> list_grants(const std::string& resource_id) override;
  Result<ResourcePage> query_new(const ResourceQuery& q) override;
  Result<RankedIds> query_ranked(const ResourceQuery& q, int max_ranked) override;
  Result<std::vector<Resource>> resources_by_ids(const std::vector<std::string>& ids) override;
  Status put_snapshot(const std::string& id, const std::vector<std::string>& ids, std::int64_t expires_at,
                      std::int64_t now) override;
  Result<std::optional<std::vector<std::string>>> get_snapshot(const std::string& id, std::int64_t now) override;
  void put_snapshot_later(const std::string& id, std::vector<std::string> ids, std::int64_t expires_at,
                          std::int64_t now) override;
  Result<std::string> secret(const std::string& name) override;
  Status add_popularity(const std::vector<PopularityCount>& counts) override;
  Status expire_popularity(std::int64_t first_day) override;
  Result<std::vector<std::string>> unreferenced_blobs(std::int64_t older_than, int limit) override;
  Status delete_blobs(const std::vector<std::string>& sha256s) override;

  // Fills the text vector of rows that predate it (catalog migration 2).
  Status index_missing_text();

 private:
  PgEngine& e_;
  ResourceCache resources_;
};

class PgDeliveryStore final : public DeliveryStore {
 public:
  explicit PgDeliveryStore(PgEngine& e) : e_(e) {}
  Result<ShareOutcome> create_share(const NewShare& share) override;
  void create_share_async(NewShare share, std::function<void(Result<ShareOutcome>)> done) override;
  Result<Share> get_share(const std::string& share_id) override;
  Result<std::optional<std::pair<Share, std::string>>> find_by_client_id(std::int64_t sender_id,
                                                                         const std::string& client_id) override;
  Result<std::vector<InboxItem>> list_inbox(std::int64_t user_id, std::int64_t after, int limit) override;
  Result<InboxItem> get_item(std::int64_t user_id, const std::string& item_id) override;
  Result<std::int64_t> inbox_head(std::int64_t user_id) override;
  Result<std::int64_t> device_cursor(std::int64_t user_id, const std::string& device_id) override;
  Result<std::int64_t> ack(std::int64_t user_id, const std::string& device_id, std::int64_t seq) override;
  Result<OpenOutcome> mark_opened(std::int64_t user_id, const std::string& item_id) override;
  Result<std::vector<Receipt>> receipts(const std::string& share_id) override;
  Status revoke_share(const std::string& share_id, std::int64_t at) override;
  Result<std::optional<std::int64_t>> received_share_at(std::int64_t user_id, const std::string& resource_id) override;

 private:
  PgEngine& e_;
};

class PgGroupStore final : public GroupStore {
 public:
  explicit PgGroupStore(PgEngine& e) : e_(e) {}
  Result<Group> create_group(std::int64_t owner_id, const std::string& name,
                             const std::vector<std::int64_t>& member_ids) override;
  Result<std::vector<Group>> list_groups(std::int64_t owner_id) override;
  Result<Group> get_group(std::int64_t owner_id, const std::string& name) override;
  Result<Group> add_group_members(std::int64_t owner_id, const std::string& name,
                                  const std::vector<std::int64_t>& member_ids) override;
  Result<Group> remove_group_members(std::int64_t owner_id, const std::string& name,
                                     const std::vector<std::int64_t>& member_ids) override;
  Status delete_group(std::int64_t owner_id, const std::string& name) override;

 private:
  PgEngine& e_;
};

class PgHandlerStore final : public HandlerStore {
 public:
  explicit PgHandlerStore(PgEngine& e) : e_(e) {}
  Result<HandlerKey> add_key(const std::string& key_id, const std::string& public_key_hex) override;
  Result<std::vector<HandlerKey>> list_keys() override;
  Result<HandlerVersion> add_version(const HandlerVersion& v, std::int64_t publisher_id) override;
  Result<HandlerVersion> get_version(const std::string& name, const std::string& version) override;
  Result<std::vector<HandlerVersion>> list_versions() override;

 private:
  PgEngine& e_;
};

class PgSocialStore final : public SocialStore {
 public:
  explicit PgSocialStore(PgEngine& e) : e_(e) {}

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
  PgEngine& e_;
};

class PgPushStore final : public PushStore {
 public:
  explicit PgPushStore(PgEngine& e) : e_(e) {}
  void record_signals_later(std::vector<Signal> signals) override;
  Status record_signals(const std::vector<Signal>& signals) override;
  Result<std::vector<Signal>> signals_of(std::int64_t user_id, int limit) override;
  Status delete_signals(std::int64_t user_id) override;
  Status scan_signals(std::int64_t since, const std::function<void(const Signal&)>& each) override;
  Result<PushSettings> settings(std::int64_t user_id) override;
  Status put_settings(std::int64_t user_id, const PushSettings& s) override;
  Status create_campaign(const Campaign& c) override;
  Result<Campaign> campaign(const std::string& id) override;
  Result<std::vector<Campaign>> campaigns(std::int64_t creator_id) override;
  Result<Campaign> change_state(const std::string& id, const std::vector<CampaignState>& from,
                                CampaignState to) override;
  Result<CampaignStats> stats(const std::string& id) override;
  Result<std::vector<CampaignRun>> start_due_runs(std::int64_t now) override;
  Result<std::vector<CampaignRun>> open_runs() override;
  Result<std::vector<std::int64_t>> audience_after(const Campaign& c, std::int64_t after_user, int limit) override;
  Result<std::int64_t> audience_size(const Campaign& c) override;
  Result<std::vector<PushTarget>> targets(const std::vector<std::int64_t>& user_ids, std::int64_t since,
                                          const std::vector<std::string>& resource_ids) override;
  Result<std::vector<Delivery>> write_chunk(const CampaignRun& run, std::int64_t old_cursor, std::int64_t new_cursor,
                                            bool finished, const std::vector<PushWrite>& writes,
                                            std::int64_t now) override;
  Result<std::vector<Push>> due_held(std::int64_t now, int limit) override;
  Result<std::vector<Delivery>> settle_held(const std::vector<std::pair<Push, PushWrite>>& verdicts,
                                            std::int64_t now) override;
  Result<Push> push_for_item(std::int64_t user_id, const std::string& item_id) override;
  Status mark_push(std::int64_t user_id, const std::string& item_id, bool dismissed, std::int64_t at) override;
  Status replace_recommendations(const std::vector<std::pair<std::int64_t, std::vector<Recommendation>>>& picks,
                                 std::int64_t computed_at) override;
  Result<std::vector<Recommendation>> recommendations(std::int64_t user_id) override;

 private:
  void flush_signals();

  PgEngine& e_;
  // Signals waiting for the flusher: every signal queued while one batch is
  // written goes into the next, one transaction each.
  std::mutex signals_mu_;
  std::vector<Signal> signals_;
};

}  // namespace mc::store::postgres
