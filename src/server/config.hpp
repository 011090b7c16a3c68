// Server configuration: one struct with a section per part of the server,
// each section defined once, by its part, with its defaults. Filled from an
// optional TOML file, then the environment (MSGCENTER_*), then command-line
// flags; later sources win. Each setting is declared once, in settings().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "server/accounts/accounts_config.hpp"
#include "server/net/net_options.hpp"
#include "server/push/push_config.hpp"
#include "server/social/social_config.hpp"

namespace mc::server {

struct ServerConfig {
  std::string data = "./data";  // the SQLite database and the blobs, unless store and blobs say otherwise
  // "" (the default): SQLite in DATA/msgcenter.db. A postgres:// URL: the
  // scale-out store on PostgreSQL, which several nodes may share.
  std::string store;
  // "": DATA/blobs. With several nodes, a directory they all mount.
  std::string blobs;
  // "": one node, signals inside the process. nats://HOST:PORT: the bus
  // between nodes.
  std::string nats;
  std::string log_level = "info";
  bool demo = false;  // seed demo accounts and a demo catalog into an empty store
  net::NetOptions net;
  accounts::AccountsConfig accounts;
  social::SocialConfig social;
  push::PushConfig push;
};

struct Setting {
  std::string key;  // TOML key; flag --key with '_' as '-'; env MSGCENTER_KEY
  std::string help;
  std::function<Status(ServerConfig&, const std::string&)> set;
  std::function<std::string(const ServerConfig&)> show;
  bool is_flag = false;  // a boolean: `--demo` on the command line, no value
};

const std::vector<Setting>& settings();

std::string flag_name(const Setting& s);  // "--io-threads"
std::string env_name(const Setting& s);   // "MSGCENTER_IO_THREADS"

// Applies a TOML file's keys. Errors: kInvalidArgument "bad_config"
// (unreadable file, syntax error, unknown key, bad value).
Status apply_config_file(ServerConfig& cfg, const std::string& path);
// Applies MSGCENTER_* variables that are set.
Status apply_environment(ServerConfig& cfg);

// "key=value ..." for the start-up log line (a password in `store` masked).
std::string describe(const ServerConfig& cfg);

// Where the blobs live: `blobs`, else DATA/blobs.
std::string blobs_dir(const ServerConfig& cfg);
// Whether `store` names PostgreSQL.
bool is_postgres_url(const std::string& s);

}  // namespace mc::server
