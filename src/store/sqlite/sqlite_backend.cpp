#include "store/sqlite/sqlite_backend.hpp"

#include "store/sqlite/account_store.hpp"
#include "store/sqlite/catalog_store.hpp"
#include "store/sqlite/delivery_store.hpp"
#include "store/sqlite/engine.hpp"
#include "store/sqlite/group_store.hpp"
#include "store/sqlite/handler_store.hpp"
#include "store/sqlite/push_store.hpp"
#include "store/sqlite/social_store.hpp"

namespace mc::store::sqlite {

Result<std::unique_ptr<SqliteBackend>> SqliteBackend::open(const std::string& path, int readers) {
  // In this order: an area's tables may refer to those of an area before it.
  std::vector<const AreaSchema*> schemas = {&accounts_schema(), &catalog_schema(), &delivery_schema(), &groups_schema(),
                                            &handlers_schema(), &social_schema(),  &push_schema()};
  std::unique_ptr<SqliteBackend> b(new SqliteBackend());
  MC_TRY(b->engine_, Engine::open(path, schemas, readers));
  b->accounts_ = std::make_unique<SqliteAccountStore>(*b->engine_);
  auto catalog = std::make_unique<SqliteCatalogStore>(*b->engine_);
  MC_TRY_STATUS(catalog->index_missing_text());
  b->catalog_ = std::move(catalog);
  b->delivery_ = std::make_unique<SqliteDeliveryStore>(*b->engine_);
  b->groups_ = std::make_unique<SqliteGroupStore>(*b->engine_);
  b->social_ = std::make_unique<SqliteSocialStore>(*b->engine_);
  b->handlers_ = std::make_unique<SqliteHandlerStore>(*b->engine_);
  b->push_ = std::make_unique<SqlitePushStore>(*b->engine_);
  return b;
}

// The stores go before the engine they use (members are destroyed in
// reverse order of declaration, and engine_ is declared first).
SqliteBackend::~SqliteBackend() = default;

AccountStore& SqliteBackend::accounts() { return *accounts_; }
CatalogStore& SqliteBackend::catalog() { return *catalog_; }
DeliveryStore& SqliteBackend::delivery() { return *delivery_; }
GroupStore& SqliteBackend::groups() { return *groups_; }
SocialStore& SqliteBackend::social() { return *social_; }
HandlerStore& SqliteBackend::handlers() { return *handlers_; }
PushStore& SqliteBackend::push() { return *push_; }
Status SqliteBackend::close_account(std::int64_t user_id, std::int64_t at) {
  return engine_->writer().run([&](Database& db) -> Status {
    for (const auto* area : {&catalog_forget_user(), &delivery_forget_user(), &groups_forget_user(),
                             &social_forget_user(), &push_forget_user(), &accounts_forget_user()}) {
      for (auto sql : *area) {
        MC_TRY(auto st, db.prepare(sql));
        st.bind(1, user_id);
        MC_TRY_STATUS(st.run());
      }
    }
    MC_TRY(auto user, db.prepare("UPDATE users SET password_hash = '', closed_at = coalesce(closed_at, ?2) "
                                 "WHERE id = ?1 RETURNING 1"));
    user.bind(1, user_id).bind(2, at);
    MC_TRY(bool found, user.step());
    if (!found) return Error::not_found("user_not_found", "no such user");
    return user.step().ok() ? Status{} : Status{Error::internal("closing the account failed")};
  });
}

void SqliteBackend::flush_writes() { engine_->flush_writes(); }
Backend::Stats SqliteBackend::stats() const {
  return Stats{engine_->write_jobs(), engine_->write_groups(), engine_->writer().pending()};
}

}  // namespace mc::store::sqlite
