// Server configuration: one struct with defaults, filled from an optional
// TOML file, then the environment (MSGCENTER_*), then command-line flags;
// later sources win. Each setting is declared once, in settings().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace mc::server {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::string data = "./data";
  int io_threads = 2;
  int worker_threads = 64;  // handlers block while their write waits for a group commit
  std::uint64_t json_body_limit = 1 << 20;
  std::uint64_t upload_limit = 4ull << 30;
  std::int64_t token_ttl_seconds = 30LL * 24 * 3600;
  int idle_timeout_seconds = 60;
  int stream_write_timeout_seconds = 30;
  int stream_session_check_seconds = 30;
  std::string log_level = "info";
  bool demo = false;  // seed demo accounts and a demo catalog into an empty store
};

struct Setting {
  std::string key;   // TOML key; flag --key with '_' as '-'; env MSGCENTER_KEY
  std::string help;
  std::function<Status(ServerConfig&, const std::string&)> set;
  std::function<std::string(const ServerConfig&)> show;
  bool is_flag = false;  // a boolean: `--demo` on the command line, no value
};

const std::vector<Setting>& settings();

std::string flag_name(const Setting& s);  // "--io-threads"
std::string env_name(const Setting& s);   // "MSGCENTER_IO_THREADS"

// Applies a TOML file's keys. Errors: 400 "bad_config" (unreadable file,
// syntax error, unknown key, bad value).
Status apply_config_file(ServerConfig& cfg, const std::string& path);
// Applies MSGCENTER_* variables that are set.
Status apply_environment(ServerConfig& cfg);

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
Result<HostPort> parse_listen(const std::string& s);

// "key=value ..." for the start-up log line.
std::string describe(const ServerConfig& cfg);

}  // namespace mc::server
