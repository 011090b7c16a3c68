// The server as a whole: storage, areas and network wired together.
#pragma once

#include <string>

#include "server/config.hpp"

namespace mc::server {

// Serves until SIGINT/SIGTERM. Prints "listening on http://HOST:PORT" on
// stdout once ready. Returns the process exit code.
int run_server(const ServerConfig& cfg);

// `msgcenterd user add NAME --role ROLE`, password read from stdin.
int add_user(const ServerConfig& cfg, const std::string& network_id, const std::string& role,
             const std::string& password);

// `msgcenterd user add-many PREFIX COUNT`: users PREFIX1..PREFIXCOUNT with
// one password, hashed once (load tests and benchmarks need thousands of
// accounts; Argon2id for each would take minutes). Password from stdin.
// With `tokens_out`, also logs each new user in and writes "NETWORK_ID
// TOKEN" lines to that file (mode 0600), so that a benchmark can open
// thousands of streams without thousands of Argon2id verifications.
int add_many_users(const ServerConfig& cfg, const std::string& prefix, int count, const std::string& role,
                   const std::string& password, const std::string& tokens_out);

}  // namespace mc::server
