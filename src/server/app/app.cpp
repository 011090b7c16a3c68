#include "server/app/app.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "server/accounts/authenticator.hpp"
#include "server/area.hpp"
#include "server/catalog/blob_gc.hpp"
#include "server/catalog/demo_seed.hpp"
#include "server/delivery/local_bus.hpp"
#include "server/delivery/nats_bus.hpp"
#include "server/metrics.hpp"
#include "server/net/http_error.hpp"
#include "server/net/http_server.hpp"
#include "sqlite/database.hpp"
#include "store/postgres/pg_backend.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace mc::server {

Result<std::unique_ptr<store::Backend>> open_backend(const ServerConfig& cfg) {
  std::error_code ec;
  std::filesystem::create_directories(cfg.data, ec);
  if (ec)
    return Error::failed_precondition("bad_data_dir", "cannot create data directory " + cfg.data + ": " + ec.message());
  if (is_postgres_url(cfg.store)) {
    MC_TRY(auto b, store::postgres::PgBackend::open(cfg.store));
    return std::unique_ptr<store::Backend>(std::move(b));
  }
  MC_TRY(auto b, store::sqlite::SqliteBackend::open(cfg.data + "/msgcenter.db"));
  return std::unique_ptr<store::Backend>(std::move(b));
}

int backup(const ServerConfig& cfg, const std::string& out) {
  if (is_postgres_url(cfg.store)) {
    std::fprintf(stderr, "error: the store is PostgreSQL: back it up with pg_dump (docs/operations.md)\n");
    return 2;
  }
  std::string path = cfg.data + "/msgcenter.db";
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "error: no database at %s\n", path.c_str());
    return 1;
  }
  auto db = sqlite::Database::open(path);
  Status st = db ? (*db)->backup_to(out) : Status(db.error());
  if (!st) {
    std::fprintf(stderr, "error: %s (%s)\n", st.error().message.c_str(), st.error().code.c_str());
    return 1;
  }
  std::printf("backed up %s to %s\n", path.c_str(), out.c_str());
  return 0;
}

int collect_garbage(const ServerConfig& cfg, std::int64_t grace_ms) {
  auto backend = open_backend(cfg);
  if (!backend) {
    std::fprintf(stderr, "error: %s\n", backend.error().message.c_str());
    return 1;
  }
  auto blobs = catalog::BlobStore::attach(blobs_dir(cfg));
  if (!blobs) {
    std::fprintf(stderr, "error: %s\n", blobs.error().message.c_str());
    return 1;
  }
  auto done = catalog::collect_blobs((*backend)->catalog(), **blobs, grace_ms, now_ms());
  if (!done) {
    std::fprintf(stderr, "error: %s\n", done.error().message.c_str());
    return 1;
  }
  std::printf("removed %lld blobs, %lld bytes\n", static_cast<long long>(done->blobs),
              static_cast<long long>(done->bytes));
  return 0;
}

Result<std::unique_ptr<delivery::Bus>> open_bus(const ServerConfig& cfg) {
  if (cfg.nats.empty()) {
    return std::unique_ptr<delivery::Bus>(std::make_unique<delivery::LocalBus>(is_postgres_url(cfg.store)));
  }
  MC_TRY(auto b, delivery::NatsBus::connect(cfg.nats));
  return std::unique_ptr<delivery::Bus>(std::move(b));
}

int run_server(const ServerConfig& cfg) {
  init_crypto();
  spdlog::info("event=starting {}", describe(cfg));
  auto listen = net::parse_listen(cfg.net.listen);
  if (!listen) {
    spdlog::error("event=bad_config error=\"{}\"", listen.error().message);
    return 2;
  }
  auto backend = open_backend(cfg);
  if (!backend) {
    spdlog::error("event=store_failed error=\"{}\"", backend.error().message);
    return 1;
  }
  store::Backend& stores = **backend;
  auto bus = open_bus(cfg);
  if (!bus) {
    spdlog::error("event=bus_failed error=\"{}\"", bus.error().message);
    return 1;
  }
  // A logout on one node reaches the session caches of the others over the
  // bus (hex: NATS payloads are text).
  accounts::Authenticator::Options auth_opts;
  auth_opts.on_log_out = [&bus](const std::string& hash) { (*bus)->publish_invalidation("session", to_hex(hash)); };
  accounts::Authenticator auth(stores.accounts(), auth_opts);
  (*bus)->on_invalidation([&auth](const std::string& topic, const std::string& key) {
    if (topic != "session") return;
    if (auto raw = from_hex(key); raw && raw->size() == 32) auth.forget(*raw);
  });
  // The bus outlives the authenticator: stop calling it before it goes.
  struct StopInvalidations {
    delivery::Bus& bus;
    ~StopInvalidations() { bus.on_invalidation(nullptr); }
  } stop_invalidations{**bus};
  net::Router router([&auth](const net::HttpRequest& req) { return auth.authenticate(req); });
  // Prometheus text format. Operational data, not users': restrict it at the
  // front (docs/operations.md) if the node is reachable from outside.
  router.add("GET", "/metrics", net::Access::kPublic, [](net::HttpRequest&) -> Result<net::HttpResponse> {
    net::HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics().render();
    return r;
  });
  metrics().gauge_fn("msgcenter_store_writes", [&stores] { return static_cast<double>(stores.stats().writes); });
  metrics().gauge_fn("msgcenter_store_commits", [&stores] { return static_cast<double>(stores.stats().commits); });
  metrics().gauge_fn("msgcenter_store_queued_writes", [&stores] { return static_cast<double>(stores.stats().queued); });
  // They read the backend: gone before it is.
  struct RemoveGauges {
    ~RemoveGauges() {
      for (const char* g : {"msgcenter_store_writes", "msgcenter_store_commits", "msgcenter_store_queued_writes"}) {
        metrics().remove_gauge_fn(g);
      }
    }
  } remove_gauges;
  router.add("GET", "/v1/health", net::Access::kPublic, [](net::HttpRequest&) -> Result<net::HttpResponse> {
    return net::json_response(200, {{"status", "ok"}});
  });
  AreaContext ctx{cfg, stores, **bus, auth, router};
  auto areas = start_areas(ctx);
  if (!areas) {
    spdlog::error("event=area_failed error=\"{}\"", areas.error().message);
    return 1;
  }

  net::HttpServer server(cfg.net, router);
  auto port = server.listen();
  if (!port) {
    spdlog::error("event=listen_failed error=\"{}\"", port.error().message);
    return 1;
  }
  std::string host = listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
  std::string url = "http://" + host + ":" + std::to_string(*port);
  std::printf("listening on %s\n", url.c_str());
  if (cfg.demo) catalog::print_demo_tour(url);
  std::fflush(stdout);
  // Writes the last handlers submitted post their answers to the server's
  // I/O context (stopped by then: the answers are not sent, but the context
  // must still exist). Declared after the server, so it runs before the
  // server is destroyed, however run() ends.
  struct FlushWrites {
    store::Backend& backend;
    ~FlushWrites() { backend.flush_writes(); }
  } flush{stores};
  server.run();
  spdlog::info("event=stopped");
  return 0;
}

}  // namespace mc::server
