// CatalogStore on the embedded engine: blobs and resources.
#pragma once

#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/catalog_store.hpp"
#include "store/resource_cache.hpp"
#include "store/sqlite/engine.hpp"

namespace mc::store::sqlite {

const AreaSchema& catalog_schema();

// The statements that forget a user's data in this area (?1: the user id),
// run by SqliteBackend::close_account in one transaction.
const std::vector<std::string_view>& catalog_forget_user();

class SqliteCatalogStore final : public CatalogStore {
 public:
  explicit SqliteCatalogStore(Engine& engine) : engine_(engine) {}

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

  // Fills the text index for rows that predate it (catalog migration 2);
  // run once when the backend opens.
  Status index_missing_text();

 private:
  Engine& engine_;
  ResourceCache resources_;
};

}  // namespace mc::store::sqlite
