// The embedded store: one SQLite file under the data directory.
//
// Writes go through a WriteQueue (group commit: one writer thread, one fsync
// per group of concurrent writes). Reads use a small pool of their own
// connections, which WAL lets run beside the writer.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"
#include "store/group_store.hpp"

namespace mc::store::sqlite {

class Database;
class WriteQueue;

class SqliteStore final : public AccountStore, public CatalogStore, public DeliveryStore, public GroupStore {
 public:
  // Opens or creates `path` and applies pending migrations.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, int readers = 4);
  ~SqliteStore() override;

  // AccountStore
  Result<User> create_user(const std::string& network_id, const std::string& password_hash,
                           const std::string& role) override;
  Status create_users(const std::vector<std::string>& network_ids, const std::string& password_hash,
                      const std::string& role) override;
  Result<User> find_user(std::string_view network_id) override;
  Result<std::vector<User>> find_users(const std::vector<std::string>& network_ids) override;
  Result<std::vector<UserRef>> find_user_refs(const std::vector<std::string>& network_ids) override;
  Status create_session(const std::string& token_hash, std::int64_t user_id, const std::string& device_id,
                        std::int64_t expires_at) override;
  Status create_sessions(const std::vector<NewSession>& sessions) override;
  Result<Session> find_session(const std::string& token_hash) override;
  Status delete_session(const std::string& token_hash) override;
  Status set_send_receipts(std::int64_t user_id, bool on) override;

  // CatalogStore
  Status put_blob(const std::string& sha256, std::int64_t size) override;
  Result<std::optional<std::int64_t>> blob_size(const std::string& sha256) override;
  Result<Resource> create_resource(const Resource& r, std::int64_t publisher_id) override;
  Result<Resource> get_resource(const std::string& id) override;
  Result<ResourcePage> list_resources(const std::optional<std::string>& type, std::int64_t after,
                                      int limit) override;
  Result<std::int64_t> count_resources() override;

  // DeliveryStore (sqlite_delivery.cpp)
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

  // GroupStore (sqlite_groups.cpp)
  Result<Group> create_group(std::int64_t owner_id, const std::string& name,
                             const std::vector<std::int64_t>& member_ids) override;
  Result<std::vector<Group>> list_groups(std::int64_t owner_id) override;
  Result<Group> get_group(std::int64_t owner_id, const std::string& name) override;
  Result<Group> add_group_members(std::int64_t owner_id, const std::string& name,
                                  const std::vector<std::int64_t>& member_ids) override;
  Result<Group> remove_group_members(std::int64_t owner_id, const std::string& name,
                                     const std::vector<std::int64_t>& member_ids) override;
  Status delete_group(std::int64_t owner_id, const std::string& name) override;

  // Group-commit statistics: how many transactions carried how many writes.
  // Returns once every write submitted before the call has committed and its
  // completion has run: the server calls it at shutdown, before the threads
  // those completions post to go away.
  void flush_writes();
  std::uint64_t write_groups() const;
  std::uint64_t write_jobs() const;

 private:
  class ReaderLease;
  SqliteStore() = default;
  ReaderLease lease_reader();

  std::unique_ptr<WriteQueue> writer_;

  // Published resources never change (there is no update or delete), so a
  // resource once read is kept: every share looks one up. Bounded; when
  // full it starts over.
  static constexpr std::size_t kResourceCacheSize = 10000;
  std::mutex resource_cache_mu_;
  std::unordered_map<std::string, Resource> resource_cache_;
  // network ID -> user id, for the same reason: every share names its
  // recipients.
  static constexpr std::size_t kUserCacheSize = 200000;
  std::mutex user_cache_mu_;
  std::unordered_map<std::string, std::int64_t> user_cache_;

  // WAL checkpoints run here, not in the writer's commits: a checkpoint
  // copies pages into the database file and fsyncs it, and a commit that
  // had to do that would make every request of its group wait.
  void checkpoint_loop();
  std::unique_ptr<Database> checkpointer_db_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;
  std::thread checkpointer_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Database>> idle_readers_;
};

// Borrows one reader connection for the length of a read.
class SqliteStore::ReaderLease {
 public:
  ReaderLease(SqliteStore& s, std::unique_ptr<Database> db);
  ~ReaderLease();
  Database& operator*() { return *db_; }
  Database* operator->() { return db_.get(); }

 private:
  SqliteStore& s_;
  std::unique_ptr<Database> db_;
};

}  // namespace mc::store::sqlite
