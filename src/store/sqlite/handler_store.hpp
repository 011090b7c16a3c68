// HandlerStore on the embedded engine: publishing keys and handler versions.
#pragma once

#include "store/handler_store.hpp"
#include "store/sqlite/engine.hpp"

namespace mc::store::sqlite {

const AreaSchema& handlers_schema();

class SqliteHandlerStore final : public HandlerStore {
 public:
  explicit SqliteHandlerStore(Engine& engine) : engine_(engine) {}

  Result<HandlerKey> add_key(const std::string& key_id, const std::string& public_key_hex) override;
  Result<std::vector<HandlerKey>> list_keys() override;
  Result<HandlerVersion> add_version(const HandlerVersion& v, std::int64_t publisher_id) override;
  Result<HandlerVersion> get_version(const std::string& name, const std::string& version) override;
  Result<std::vector<HandlerVersion>> list_versions() override;

 private:
  Engine& engine_;
};

}  // namespace mc::store::sqlite
