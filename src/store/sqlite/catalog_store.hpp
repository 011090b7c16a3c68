// CatalogStore on the embedded engine: blobs and resources.
#pragma once

#include <mutex>
#include <unordered_map>

#include "store/catalog_store.hpp"
#include "store/sqlite/engine.hpp"

namespace mc::store::sqlite {

const AreaSchema& catalog_schema();

class SqliteCatalogStore final : public CatalogStore {
 public:
  explicit SqliteCatalogStore(Engine& engine) : engine_(engine) {}

  Status put_blob(const std::string& sha256, std::int64_t size) override;
  Result<std::optional<std::int64_t>> blob_size(const std::string& sha256) override;
  Result<Resource> create_resource(const Resource& r, std::int64_t publisher_id) override;
  Result<Resource> get_resource(const std::string& id) override;
  Result<ResourcePage> list_resources(const std::optional<std::string>& type, std::int64_t after, int limit) override;
  Result<std::int64_t> count_resources() override;

 private:
  Engine& engine_;
  // Published resources never change (there is no update or delete), so a
  // resource once read is kept: every share looks one up. Bounded; when
  // full it starts over.
  static constexpr std::size_t kResourceCacheSize = 10000;
  std::mutex resource_cache_mu_;
  std::unordered_map<std::string, Resource> resource_cache_;
};

}  // namespace mc::store::sqlite
