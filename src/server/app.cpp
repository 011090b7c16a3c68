#include "server/app.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include "core/clock.hpp"
#include "core/network_id.hpp"
#include "server/accounts/tokens.hpp"
#include "core/random.hpp"
#include "server/accounts/passwords.hpp"
#include "server/accounts/account_routes.hpp"
#include "server/accounts/authenticator.hpp"
#include "server/catalog/blob_store.hpp"
#include "server/catalog/catalog_routes.hpp"
#include "server/delivery/delivery_routes.hpp"
#include "server/delivery/hub.hpp"
#include "server/demo_seed.hpp"
#include "server/net/http_error.hpp"
#include "server/net/http_server.hpp"
#include "server/social/group_routes.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace mc::server {

namespace {

Result<std::unique_ptr<store::sqlite::SqliteBackend>> open_store(const ServerConfig& cfg) {
  std::error_code ec;
  std::filesystem::create_directories(cfg.data, ec);
  if (ec) return Error::internal("cannot create data directory " + cfg.data + ": " + ec.message());
  return store::sqlite::SqliteBackend::open(cfg.data + "/msgcenter.db");
}

}  // namespace

int run_server(const ServerConfig& cfg) {
  init_crypto();
  spdlog::info("event=starting {}", describe(cfg));
  auto listen = parse_listen(cfg.listen);
  if (!listen) {
    spdlog::error("event=bad_config error=\"{}\"", listen.error().message);
    return 2;
  }
  auto store = open_store(cfg);
  if (!store) {
    spdlog::error("event=store_failed error=\"{}\"", store.error().message);
    return 1;
  }
  auto blobs = catalog::BlobStore::open(cfg.data + "/blobs");
  if (!blobs) {
    spdlog::error("event=blobs_failed error=\"{}\"", blobs.error().message);
    return 1;
  }
  auto& backend = **store;
  bool seeded = false;
  if (cfg.demo) {
    auto s = seed_demo(backend.accounts(), backend.catalog(), **blobs);
    if (!s) {
      spdlog::error("event=demo_seed_failed error=\"{}\"", s.error().message);
      return 1;
    }
    seeded = *s;
  }

  accounts::Authenticator auth(backend.accounts());
  delivery::Hub hub;
  net::Router router;
  router.add("GET", "/v1/health", [](net::HttpRequest&) {
    return net::json_response(200, {{"status", "ok"}});
  });
  accounts::register_account_routes(router, backend.accounts(), auth, {cfg.token_ttl_seconds * 1000});
  catalog::register_catalog_routes(router, backend.catalog(), **blobs, auth, {cfg.upload_limit});
  social::register_group_routes(router, backend.accounts(), backend.groups(), auth);
  delivery::DeliveryDeps deps{backend.accounts(), backend.catalog(), backend.delivery(), backend.groups(), auth, hub};
  delivery::register_share_routes(router, deps);
  delivery::register_inbox_routes(router, deps);
  delivery::InboxStreams streams(deps);

  net::NetOptions nopts;
  nopts.host = listen->host;
  nopts.port = listen->port;
  nopts.io_threads = cfg.io_threads;
  nopts.worker_threads = cfg.worker_threads;
  nopts.json_body_limit = cfg.json_body_limit;
  nopts.upload_limit = cfg.upload_limit;
  nopts.idle_timeout_seconds = cfg.idle_timeout_seconds;
  nopts.stream_write_timeout_seconds = cfg.stream_write_timeout_seconds;
  nopts.stream_session_check_seconds = cfg.stream_session_check_seconds;
  net::HttpServer server(nopts, router, streams);
  auto port = server.listen();
  if (!port) {
    spdlog::error("event=listen_failed error=\"{}\"", port.error().message);
    return 1;
  }
  std::string host = listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
  std::printf("listening on http://%s:%u\n", host.c_str(), static_cast<unsigned>(*port));
  if (cfg.demo) {
    std::string url = "http://" + host + ":" + std::to_string(*port);
    std::printf("%s", seeded ? "seeded the demo catalog.\n" : "");
    std::printf(
        "demo accounts (network ID / password): provider / provider-pass (provider), alice / alice-pass, bob / bob-pass\n"
        "try, in another terminal from this folder:\n"
        "  export MSGC_SERVER=%s PATH=$PWD/build/release:$PATH\n"
        "  echo alice-pass | msgc --home /tmp/alice login alice\n"
        "  echo bob-pass   | msgc --home /tmp/bob login bob\n"
        "  msgc --home /tmp/alice catalog\n"
        "  RID=$(msgc --home /tmp/alice catalog --type novel -q | head -n 1)\n"
        "  msgc --home /tmp/bob inbox --follow &\n"
        "  msgc --home /tmp/alice share $RID --to bob --note 'have a look'\n"
        "  msgc --home /tmp/bob get $RID -o /tmp/bob-novel.txt\n"
        "Ctrl-C stops the server.\n",
        url.c_str());
  }
  std::fflush(stdout);
  // Writes the last handlers submitted post their answers to the server's
  // I/O context (stopped by then: the answers are not sent, but the context
  // must still exist). Declared after the server, so it runs before the
  // server is destroyed, however run() ends.
  struct FlushWrites {
    store::Backend& backend;
    ~FlushWrites() { backend.flush_writes(); }
  } flush{backend};
  server.run();
  spdlog::info("event=stopped");
  return 0;
}

int add_user(const ServerConfig& cfg, const std::string& network_id, const std::string& role,
             const std::string& password) {
  init_crypto();
  if (role != "user" && role != "provider") {
    std::fprintf(stderr, "error: role must be user or provider\n");
    return 2;
  }
  auto store = open_store(cfg);
  if (!store) {
    std::fprintf(stderr, "error: %s\n", store.error().message.c_str());
    return 1;
  }
  auto u = accounts::create_account((*store)->accounts(), network_id, password, role);
  if (!u) {
    std::fprintf(stderr, "error: %s (%s)\n", u.error().message.c_str(), u.error().code.c_str());
    return 1;
  }
  std::printf("created %s '%s'\n", role.c_str(), network_id.c_str());
  return 0;
}

int add_many_users(const ServerConfig& cfg, const std::string& prefix, int count, const std::string& role,
                   const std::string& password, const std::string& tokens_out) {
  init_crypto();
  std::vector<std::string> ids;
  for (int i = 1; i <= count; ++i) {
    ids.push_back(prefix + std::to_string(i));
    if (auto st = validate_network_id(ids.back()); !st) {
      std::fprintf(stderr, "error: %s is not a network ID: %s\n", ids.back().c_str(), st.error().message.c_str());
      return 2;
    }
  }
  if (auto st = accounts::validate_password(password); !st) {
    std::fprintf(stderr, "error: %s\n", st.error().message.c_str());
    return 2;
  }
  auto store = open_store(cfg);
  if (!store) {
    std::fprintf(stderr, "error: %s\n", store.error().message.c_str());
    return 1;
  }
  auto hash = accounts::hash_password(password);
  if (!hash) return 1;
  if (auto st = (*store)->accounts().create_users(ids, *hash, role); !st) {
    std::fprintf(stderr, "error: %s (%s)\n", st.error().message.c_str(), st.error().code.c_str());
    return 1;
  }
  std::printf("created %d %ss %s1..%s%d\n", count, role.c_str(), prefix.c_str(), prefix.c_str(), count);
  if (tokens_out.empty()) return 0;
  auto users = (*store)->accounts().find_users(ids);
  if (!users) return 1;
  std::vector<store::AccountStore::NewSession> sessions;
  std::string lines;
  std::int64_t expires = now_ms() + cfg.token_ttl_seconds * 1000;
  for (const auto& u : *users) {
    std::string token = accounts::new_token();
    sessions.push_back({accounts::token_hash(token), u.id, "d_load", expires});
    lines += u.network_id + " " + token + "\n";
  }
  if (auto st = (*store)->accounts().create_sessions(sessions); !st) {
    std::fprintf(stderr, "error: %s\n", st.error().message.c_str());
    return 1;
  }
  int fd = ::open(tokens_out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
    std::fprintf(stderr, "error: cannot write %s\n", tokens_out.c_str());
    if (fd >= 0) ::close(fd);
    return 1;
  }
  ::close(fd);
  std::printf("wrote %zu tokens to %s\n", sessions.size(), tokens_out.c_str());
  return 0;
}

}  // namespace mc::server
