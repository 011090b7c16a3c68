// The embedded store: one SQLite file under the data directory.
//
// Writes go through one connection under a mutex (SQLite admits one writer
// at a time anyway); reads use a small pool of their own connections, which
// WAL lets run beside the writer.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"

namespace mc::store::sqlite {

class Database;

class SqliteStore final : public AccountStore, public CatalogStore, public DeliveryStore {
 public:
  // Opens or creates `path` and applies pending migrations.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, int readers = 4);
  ~SqliteStore() override;

  // AccountStore
  Result<User> create_user(const std::string& network_id, const std::string& password_hash,
                           const std::string& role) override;
  Result<User> find_user(std::string_view network_id) override;
  Result<std::vector<User>> find_users(const std::vector<std::string>& network_ids) override;
  Status create_session(const std::string& token_hash, std::int64_t user_id, const std::string& device_id,
                        std::int64_t expires_at) override;
  Result<Session> find_session(const std::string& token_hash) override;
  Status delete_session(const std::string& token_hash) override;

  // CatalogStore
  Status put_blob(const std::string& sha256, std::int64_t size) override;
  Result<std::optional<std::int64_t>> blob_size(const std::string& sha256) override;
  Result<Resource> create_resource(const Resource& r, std::int64_t publisher_id) override;
  Result<Resource> get_resource(const std::string& id) override;
  Result<ResourcePage> list_resources(const std::optional<std::string>& type, std::int64_t after,
                                      int limit) override;
  Result<std::int64_t> count_resources() override;

  // DeliveryStore
  Result<ShareReceipt> create_share(const NewShare& share) override;
  Result<std::vector<InboxItem>> list_inbox(std::int64_t user_id, std::int64_t after, int limit) override;
  Result<std::int64_t> inbox_head(std::int64_t user_id) override;

 private:
  class ReaderLease;
  SqliteStore() = default;
  ReaderLease lease_reader();

  std::mutex write_mu_;
  std::unique_ptr<Database> writer_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Database>> idle_readers_;
  std::vector<std::unique_ptr<Database>> all_readers_;
};

}  // namespace mc::store::sqlite
