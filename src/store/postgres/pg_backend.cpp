#include "store/postgres/pg_backend.hpp"

#include <algorithm>

#include "store/postgres/pg_stores.hpp"

namespace mc::store::postgres {

Result<std::unique_ptr<PgBackend>> PgBackend::open(const std::string& url, int connections) {
  // In this order: an area's tables may refer to those of an area before it.
  std::vector<const PgSchema*> schemas = {&accounts_schema(), &catalog_schema(), &delivery_schema(), &groups_schema(),
                                          &handlers_schema(), &social_schema(),  &push_schema()};
  std::unique_ptr<PgBackend> b(new PgBackend());
  // Half the pool for the shares answered later, half for everything else.
  MC_TRY(b->engine_, PgEngine::open(url, schemas, connections, std::max(1, connections / 2)));
  b->accounts_ = std::make_unique<PgAccountStore>(*b->engine_);
  auto catalog = std::make_unique<PgCatalogStore>(*b->engine_);
  MC_TRY_STATUS(catalog->index_missing_text());
  b->catalog_ = std::move(catalog);
  b->delivery_ = std::make_unique<PgDeliveryStore>(*b->engine_);
  b->groups_ = std::make_unique<PgGroupStore>(*b->engine_);
  b->social_ = std::make_unique<PgSocialStore>(*b->engine_);
  b->handlers_ = std::make_unique<PgHandlerStore>(*b->engine_);
  b->push_ = std::make_unique<PgPushStore>(*b->engine_);
  return b;
}

// The engine's writer threads finish before the stores they call go.
PgBackend::~PgBackend() { engine_.reset(); }

AccountStore& PgBackend::accounts() { return *accounts_; }
CatalogStore& PgBackend::catalog() { return *catalog_; }
DeliveryStore& PgBackend::delivery() { return *delivery_; }
GroupStore& PgBackend::groups() { return *groups_; }
SocialStore& PgBackend::social() { return *social_; }
HandlerStore& PgBackend::handlers() { return *handlers_; }
PushStore& PgBackend::push() { return *push_; }
Status PgBackend::close_account(std::int64_t user_id, std::int64_t at) {
  return engine_->transact_status([&](pg::Connection& c) -> Status {
    const std::string id = std::to_string(user_id);
    // The row first: a share or push that bumped this inbox's head commits
    // before, and its item is deleted with the rest; none can follow.
    MC_TRY_STATUS(c.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", {id}));
    for (const auto* area : {&catalog_forget_user(), &delivery_forget_user(), &groups_forget_user(),
                             &social_forget_user(), &push_forget_user(), &accounts_forget_user()}) {
      for (auto sql : *area) MC_TRY_STATUS(c.query(sql, {id}));
    }
    MC_TRY(auto rows, c.query("UPDATE users SET password_hash = '', closed_at = coalesce(closed_at, $2) "
                              "WHERE id = $1 RETURNING 1",
                              {id, std::to_string(at)}));
    if (rows.empty()) return Error::not_found("user_not_found", "no such user");
    return {};
  });
}

void PgBackend::flush_writes() { engine_->flush(); }
Backend::Stats PgBackend::stats() const { return Stats{engine_->commits(), engine_->commits(), engine_->queued()}; }

}  // namespace mc::store::postgres
