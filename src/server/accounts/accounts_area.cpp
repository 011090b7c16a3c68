// The accounts area: network IDs, passwords, sessions and settings.
#include "server/accounts/account_routes.hpp"
#include "server/area.hpp"
#include "server/config.hpp"
#include "store/backend.hpp"

namespace mc::accounts {

namespace {

Result<std::unique_ptr<server::Area>> start(server::AreaContext& ctx) {
  auto area = std::make_unique<server::ContextArea<AccountContext>>(
      AccountContext{ctx.stores.accounts(), ctx.auth, ctx.config.accounts.token_ttl_seconds, &ctx.stores});
  register_account_routes(ctx.router, area->context);
  return std::unique_ptr<server::Area>(std::move(area));
}

}  // namespace

MC_SERVER_AREA(accounts, start);

}  // namespace mc::accounts
