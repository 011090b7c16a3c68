// CatalogStore on the embedded engine: blobs and resources.
#pragma once

#include <mutex>
#include <unordered_map>

#include "store/catalog_store.hpp"
#include "store/resource_cache.hpp"
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
  ResourceCache resources_;  // published resources never change
};

}  // namespace mc::store::sqlite
