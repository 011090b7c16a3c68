// The delivery area: shares and forwards, inboxes with acks and receipts,
// and the live stream.
#include "server/area.hpp"
#include "server/delivery/delivery_routes.hpp"
#include "store/backend.hpp"

namespace mc::delivery {

namespace {

Result<std::unique_ptr<server::Area>> start(server::AreaContext& ctx) {
  auto area = std::make_unique<server::ContextArea<DeliveryContext>>(
      DeliveryContext{ctx.stores.accounts(), ctx.stores.catalog(), ctx.stores.delivery(), ctx.stores.groups(),
                      ctx.stores.social(), ctx.stores.push(), ctx.bus, ctx.auth});
  register_share_routes(ctx.router, area->context);
  register_inbox_routes(ctx.router, area->context);
  register_inbox_stream(ctx.router, area->context);
  return std::unique_ptr<server::Area>(std::move(area));
}

}  // namespace

MC_SERVER_AREA(delivery, start);

}  // namespace mc::delivery
