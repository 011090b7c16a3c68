// The social area: groups (address-book matching and friends come here).
#include "server/area.hpp"
#include "server/social/group_routes.hpp"
#include "store/backend.hpp"

namespace mc::social {

namespace {

Result<std::unique_ptr<server::Area>> start(server::AreaContext& ctx) {
  auto area =
      std::make_unique<server::ContextArea<GroupContext>>(GroupContext{ctx.stores.accounts(), ctx.stores.groups()});
  register_group_routes(ctx.router, area->context);
  return std::unique_ptr<server::Area>(std::move(area));
}

}  // namespace

MC_SERVER_AREA(social, start);

}  // namespace mc::social
