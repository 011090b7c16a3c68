// The embedded backend: every area's store over one SQLite file.
#pragma once

#include <memory>
#include <string>

#include "store/backend.hpp"

namespace mc::store::sqlite {

class Engine;
class SqliteAccountStore;
class SqliteCatalogStore;
class SqliteDeliveryStore;
class SqliteGroupStore;
class SqliteHandlerStore;
class SqliteSocialStore;
class SqlitePushStore;

class SqliteBackend final : public Backend {
 public:
  // Opens or creates `path` and brings every area's schema up to date.
  static Result<std::unique_ptr<SqliteBackend>> open(const std::string& path, int readers = 4);
  ~SqliteBackend() override;

  AccountStore& accounts() override;
  CatalogStore& catalog() override;
  DeliveryStore& delivery() override;
  GroupStore& groups() override;
  SocialStore& social() override;
  HandlerStore& handlers() override;
  PushStore& push() override;
  Status close_account(std::int64_t user_id, std::int64_t at) override;
  void flush_writes() override;
  Stats stats() const override;

  Engine& engine() { return *engine_; }

 private:
  SqliteBackend() = default;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<SqliteAccountStore> accounts_;
  std::unique_ptr<SqliteCatalogStore> catalog_;
  std::unique_ptr<SqliteDeliveryStore> delivery_;
  std::unique_ptr<SqliteGroupStore> groups_;
  std::unique_ptr<SqliteSocialStore> social_;
  std::unique_ptr<SqliteHandlerStore> handlers_;
  std::unique_ptr<SqlitePushStore> push_;
};

}  // namespace mc::store::sqlite
