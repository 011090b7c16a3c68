// The catalog area: the blob store (DATA/blobs, or --blobs), the demo catalog when
// asked for, and the catalog's routes.
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "server/area.hpp"
#include "server/catalog/catalog_routes.hpp"
#include "server/catalog/demo_seed.hpp"
#include "server/config.hpp"
#include "server/popularity_counts.hpp"
#include "store/backend.hpp"

namespace mc::catalog {

namespace {

// Writes the downloads and shares counted in memory once a minute (and at
// the end), and drops days that left the 30-day window once a day.
class PopularityWriter {
 public:
  explicit PopularityWriter(store::CatalogStore& catalog) : catalog_(catalog), thread_([this] { run(); }) {}
  ~PopularityWriter() {
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
    flush();
  }

 private:
  void run() {
    std::unique_lock lk(mu_);
    while (!stopping_) {
      cv_.wait_for(lk, std::chrono::seconds(60), [this] { return stopping_; });
      if (stopping_) break;
      lk.unlock();
      flush();
      lk.lock();
    }
  }
  void flush() {
    auto counts = server::popularity_counts().take();
    if (auto st = catalog_.add_popularity(counts); !st) {
      spdlog::warn("event=popularity_write_failed error={}", st.error().message);
      server::popularity_counts().put_back(counts);
    }
    auto today = server::day_of(now_ms());
    if (today != expired_day_) {
      if (catalog_.expire_popularity(today - store::kPopularityWindowDays + 1)) expired_day_ = today;
    }
  }

  store::CatalogStore& catalog_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::int64_t expired_day_ = 0;
  std::thread thread_;
};

class CatalogArea final : public server::Area {
 public:
  CatalogArea(std::unique_ptr<BlobStore> blobs, store::Backend& stores, std::uint64_t upload_limit)
      : blobs_(std::move(blobs)),
        context_{stores.catalog(), stores.delivery(), stores.accounts(), *blobs_, upload_limit, {}, {}, {}, {}},
        popularity_(stores.catalog()) {}
  CatalogContext& context() { return context_; }
  BlobStore& blobs() { return *blobs_; }

 private:
  std::unique_ptr<BlobStore> blobs_;
  CatalogContext context_;
  PopularityWriter popularity_;
};

// A secret shared by every node of a tier (hex in the store), as bytes.
Result<std::string> secret_bytes(store::CatalogStore& catalog, const std::string& name) {
  MC_TRY(auto hex, catalog.secret(name));
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() < 32) return Error::internal("the catalog secret '" + name + "' is damaged");
  return *bytes;
}

Result<std::unique_ptr<server::Area>> start(server::AreaContext& ctx) {
  MC_TRY(auto blobs, BlobStore::open(server::blobs_dir(ctx.config)));
  auto area = std::make_unique<CatalogArea>(std::move(blobs), ctx.stores, ctx.config.net.upload_limit);
  MC_TRY(area->context().cursor_key, secret_bytes(ctx.stores.catalog(), "cursor"));
  MC_TRY(area->context().link_key, secret_bytes(ctx.stores.catalog(), "link"));
  area->context().signals = &ctx.stores.push();
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
