// The scale-out backend: every area's store on one PostgreSQL database,
// shared by any number of msgcenterd nodes.
#pragma once

#include <memory>
#include <string>

#include "store/backend.hpp"

namespace mc::store::postgres {

class PgEngine;
class PgAccountStore;
class PgCatalogStore;
class PgDeliveryStore;
class PgGroupStore;
class PgHandlerStore;
class PgSocialStore;
class PgPushStore;

class PgBackend final : public Backend {
 public:
  // Connects to `url` (a libpq connection URI: postgres://USER@HOST:PORT/DB)
  // and brings every area's schema up to date.
  // `connections` bounds the transactions in flight at once. More is not
  // faster on a small machine: bench_cluster measured 32 (24 writers) below
  // 8 (4 writers) on two cores, with more waiters queueing on hot rows.
  static Result<std::unique_ptr<PgBackend>> open(const std::string& url, int connections = 8);
  ~PgBackend() override;

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

 private:
  PgBackend() = default;
  std::unique_ptr<PgEngine> engine_;
  std::unique_ptr<PgAccountStore> accounts_;
  std::unique_ptr<PgCatalogStore> catalog_;
  std::unique_ptr<PgDeliveryStore> delivery_;
  std::unique_ptr<PgGroupStore> groups_;
  std::unique_ptr<PgSocialStore> social_;
  std::unique_ptr<PgHandlerStore> handlers_;
  std::unique_ptr<PgPushStore> push_;
};

}  // namespace mc::store::postgres
