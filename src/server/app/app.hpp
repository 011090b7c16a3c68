// The server as a whole: the one place that picks the storage backend and
// the bus, and starts every registered area (server/area.hpp).
#pragma once

#include <memory>

#include "core/error.hpp"
#include "server/config.hpp"
#include "store/backend.hpp"

namespace mc::server {

// Serves until SIGINT/SIGTERM. Prints "listening on http://HOST:PORT" on
// stdout once ready. Returns the process exit code.
int run_server(const ServerConfig& cfg);

// The storage backend the configuration names (creating the data directory).
Result<std::unique_ptr<store::Backend>> open_backend(const ServerConfig& cfg);

}  // namespace mc::server

namespace mc::delivery {
class Bus;
}

namespace mc::server {

// `msgcenterd backup FILE`: a consistent copy of the SQLite database, taken
// with SQLite's online backup API while the server may be running. Returns
// the exit code (2 with a PostgreSQL store: back that up with pg_dump).
int backup(const ServerConfig& cfg, const std::string& out);

// msgcenterd gc: collects unnamed blobs older than `grace_ms` (server/catalog/blob_gc.hpp).
int collect_garbage(const ServerConfig& cfg, std::int64_t grace_ms);

// The bus the configuration names: NATS, or one inside this process.
Result<std::unique_ptr<delivery::Bus>> open_bus(const ServerConfig& cfg);

}  // namespace mc::server
