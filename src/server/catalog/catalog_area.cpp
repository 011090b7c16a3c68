// The catalog area: the blob store (DATA/blobs, or --blobs), the demo catalog when
// asked for, and the catalog's routes.
#include <spdlog/spdlog.h>

#include "server/area.hpp"
#include "server/catalog/catalog_routes.hpp"
#include "server/catalog/demo_seed.hpp"
#include "server/config.hpp"
#include "store/backend.hpp"

namespace mc::catalog {

namespace {

class CatalogArea final : public server::Area {
 public:
  CatalogArea(std::unique_ptr<BlobStore> blobs, store::CatalogStore& catalog, std::uint64_t upload_limit)
      : blobs_(std::move(blobs)), context_{catalog, *blobs_, upload_limit} {}
  CatalogContext& context() { return context_; }
  BlobStore& blobs() { return *blobs_; }

 private:
  std::unique_ptr<BlobStore> blobs_;
  CatalogContext context_;
};

Result<std::unique_ptr<server::Area>> start(server::AreaContext& ctx) {
  MC_TRY(auto blobs, BlobStore::open(server::blobs_dir(ctx.config)));
  auto area = std::make_unique<CatalogArea>(std::move(blobs), ctx.stores.catalog(), ctx.config.net.upload_limit);
  if (ctx.config.demo) {
    MC_TRY(bool seeded, seed_demo(ctx.stores.accounts(), ctx.stores.catalog(), area->blobs()));
    if (seeded) spdlog::info("event=demo_seeded");
  }
  register_catalog_routes(ctx.router, area->context());
  return std::unique_ptr<server::Area>(std::move(area));
}

}  // namespace

MC_SERVER_AREA(catalog, start);

}  // namespace mc::catalog
