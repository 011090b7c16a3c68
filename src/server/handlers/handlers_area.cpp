// The handlers area: the store of signed handler packages and its routes.
// The packages live beside the blobs (BLOBS/handlers, by default
// DATA/blobs/handlers): every node of a tier mounts the blob directory, so
// each serves what any of them accepted.
#include "core/durable_file.hpp"
#include "server/area.hpp"
#include "server/config.hpp"
#include "server/handlers/handler_routes.hpp"
#include "store/backend.hpp"

namespace mc::handlers {

namespace {

class HandlersArea final : public server::Area {
 public:
  HandlersArea(store::HandlerStore& store, std::string dir) : context{store, std::move(dir), {}} {}
  HandlerContext context;
};

Result<std::unique_ptr<server::Area>> start(server::AreaContext& ctx) {
  auto area = std::make_unique<HandlersArea>(ctx.stores.handlers(), server::blobs_dir(ctx.config) + "/handlers");
  MC_TRY_STATUS(make_dirs_durably(area->context.dir));
  remove_temporaries(area->context.dir);
  register_handler_routes(ctx.router, area->context);
  return std::unique_ptr<server::Area>(std::move(area));
}

}  // namespace

MC_SERVER_AREA(handlers, start);

}  // namespace mc::handlers
