#include "server/config.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <cstdlib>

#include "server/net/http_server.hpp"
#include "server/social/client_address.hpp"

namespace mc::server {

namespace {

template <class T>
Status parse_number(const std::string& key, const std::string& v, T& out, T min) {
  T n{};
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < min) {
    return Error::invalid_argument("bad_config",
                                   key + " must be an integer >= " + std::to_string(min) + ", not '" + v + "'");
  }
  out = n;
  return {};
}

Status parse_bool(const std::string& key, const std::string& v, bool& out) {
  if (v == "true" || v == "1" || v == "yes") {
    out = true;
    return {};
  }
  if (v == "false" || v == "0" || v == "no") {
    out = false;
    return {};
  }
  return Error::invalid_argument("bad_config", key + " must be true or false, not '" + v + "'");
}

// A numeric setting: `field` of the configuration's `section`.
template <class T, class Section>
Setting number(std::string key, std::string help, Section ServerConfig::*section, T Section::*field, T min) {
  return Setting{key, std::move(help),
                 [key, section, field, min](ServerConfig& c, const std::string& v) {
                   return parse_number(key, v, c.*section.*field, min);
                 },
                 [section, field](const ServerConfig& c) { return std::to_string(c.*section.*field); }};
}

// postgres://user:secret@host/db -> postgres://user:***@host/db
std::string mask_password(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      Setting{"listen", "address to serve on, HOST:PORT (port 0 picks a free one)",
              [](ServerConfig& c, const std::string& v) -> Status {
                MC_TRY_STATUS(net::parse_listen(v));
                c.net.listen = v;
                return {};
              },
              [](const ServerConfig& c) { return c.net.listen; }},
      Setting{"data", "data directory (SQLite database and blobs)",
              [](ServerConfig& c, const std::string& v) -> Status {
                if (v.empty()) return Error::invalid_argument("bad_config", "data must not be empty");
                c.data = v;
                return {};
              },
              [](const ServerConfig& c) { return c.data; }},
      Setting{"store", "storage: empty for SQLite under data, or a postgres://USER@HOST:PORT/DB URL (scale-out)",
              [](ServerConfig& c, const std::string& v) -> Status {
                if (!v.empty() && !is_postgres_url(v)) {
                  return Error::invalid_argument("bad_config", "store must be empty (SQLite) or a postgres:// URL");
                }
                c.store = v;
                return {};
              },
              [](const ServerConfig& c) { return mask_password(c.store); }},
      Setting{"blobs", "blob directory (default: DATA/blobs); with several nodes, one they all mount",
              [](ServerConfig& c, const std::string& v) -> Status {
                c.blobs = v;
                return {};
              },
              [](const ServerConfig& c) { return blobs_dir(c); }},
      Setting{"nats", "NATS URL (nats://HOST:PORT) carrying new-item signals between nodes; empty for one node",
              [](ServerConfig& c, const std::string& v) -> Status {
                if (!v.empty() && v.rfind("nats://", 0) != 0) {
                  return Error::invalid_argument("bad_config", "nats must be empty or a nats://HOST:PORT URL");
                }
                c.nats = v;
                return {};
              },
              [](const ServerConfig& c) { return mask_password(c.nats); }},
      number<int>("io_threads", "threads serving network I/O", &ServerConfig::net, &net::NetOptions::io_threads, 1),
      number<int>("worker_threads", "threads running request handlers (storage, hashing)", &ServerConfig::net,
                  &net::NetOptions::worker_threads, 1),
      number<std::uint64_t>("json_body_limit", "largest JSON request body, bytes", &ServerConfig::net,
                            &net::NetOptions::json_body_limit, 1),
      number<std::uint64_t>("upload_limit", "largest blob upload, bytes", &ServerConfig::net,
                            &net::NetOptions::upload_limit, 1),
      number<std::int64_t>("token_ttl_seconds", "lifetime of a login token", &ServerConfig::accounts,
                           &accounts::AccountsConfig::token_ttl_seconds, 1),
      number<int>("push_per_day", "the most pushes a user takes a day (users may ask for fewer)", &ServerConfig::push,
                  &push::PushConfig::per_day, 0),
      number<int>("push_per_week", "the most pushes a user takes a week (users may ask for fewer)", &ServerConfig::push,
                  &push::PushConfig::per_week, 0),
      number<std::int64_t>("push_tick_ms", "how often the push scheduler looks for due campaigns and held pushes",
                           &ServerConfig::push, &push::PushConfig::tick_ms, 10),
      number<int>("push_chunk", "users per chunk of a campaign (one write each)", &ServerConfig::push,
                  &push::PushConfig::chunk, 1),
      number<std::int64_t>("recommend_every_seconds", "how often the recommender retrains inside the server (0: never)",
                           &ServerConfig::push, &push::PushConfig::recommend_every_seconds, 0),
      Setting{"push_clock_file", "tests only: a file holding the Unix time in ms that pushes take as now",
              [](ServerConfig& c, const std::string& v) -> Status {
                c.push.clock_file = v;
                return {};
              },
              [](const ServerConfig& c) { return c.push.clock_file; }},
      number<std::int64_t>("evaluations_per_day_account", "address-book lookups (points) one account may make a day",
                           &ServerConfig::social, &social::SocialConfig::evaluations_per_day_account, 1000),
      number<std::int64_t>("evaluations_per_day_device", "address-book lookups (points) one device may make a day",
                           &ServerConfig::social, &social::SocialConfig::evaluations_per_day_device, 1000),
      number<std::int64_t>("evaluations_per_day_address",
                           "address-book lookups (points) one client address may make a day", &ServerConfig::social,
                           &social::SocialConfig::evaluations_per_day_address, 1000),
      Setting{"trusted_proxies",
              "comma-separated addresses of proxies whose X-Forwarded-For names the client (per-address limits)",
              [](ServerConfig& c, const std::string& v) -> Status {
                c.social.trusted_proxies.clear();
                std::size_t i = 0;
                while (i <= v.size()) {
                  auto j = v.find(',', i);
                  if (j == std::string::npos) j = v.size();
                  std::string a = v.substr(i, j - i);
                  a.erase(0, a.find_first_not_of(' '));
                  a.erase(a.find_last_not_of(' ') + 1);
                  if (a.empty()) {
                    i = j + 1;
                    continue;
                  }
                  auto ip = social::canonical_ip(a);
                  if (!ip || a.find('/') != std::string::npos) {
                    return Error::invalid_argument("bad_config", "trusted_proxies: '" + a + "' is no IP address");
                  }
                  c.social.trusted_proxies.push_back(*ip);
                  i = j + 1;
                }
                return {};
              },
              [](const ServerConfig& c) {
                std::string s;
                for (const auto& a : c.social.trusted_proxies) s += (s.empty() ? "" : ",") + a;
                return s;
              }},
      number<int>("idle_timeout_seconds", "drop a connection idle for this long", &ServerConfig::net,
                  &net::NetOptions::idle_timeout_seconds, 1),
      number<int>("stream_write_timeout_seconds", "close a stream whose client reads nothing for this long",
                  &ServerConfig::net, &net::NetOptions::stream_write_timeout_seconds, 1),
      number<int>("stream_session_check_seconds", "how often an open stream re-checks that its login is valid",
                  &ServerConfig::net, &net::NetOptions::stream_session_check_seconds, 1),
      Setting{"log_level", "trace, debug, info, warn or error",
              [](ServerConfig& c, const std::string& v) -> Status {
                for (const char* l : {"trace", "debug", "info", "warn", "error"}) {
                  if (v == l) {
                    c.log_level = v;
                    return {};
                  }
                }
                return Error::invalid_argument("bad_config", "log_level must be trace, debug, info, warn or error");
              },
              [](const ServerConfig& c) { return c.log_level; }},
      Setting{"demo", "seed demo accounts and a demo catalog into an empty data directory",
              [](ServerConfig& c, const std::string& v) { return parse_bool("demo", v, c.demo); },
              [](const ServerConfig& c) { return std::string(c.demo ? "true" : "false"); }, true},
  };
  return all;
}

std::string flag_name(const Setting& s) {
  std::string f = "--" + s.key;
  for (auto& c : f)
    if (c == '_') c = '-';
  return f;
}

std::string env_name(const Setting& s) {
  std::string e = "MSGCENTER_" + s.key;
  for (auto& c : e) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return e;
}

Status apply_config_file(ServerConfig& cfg, const std::string& path) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error::invalid_argument("bad_config",
                                   "cannot read config file " + path + ": " + std::string(e.description()));
  }
  for (const auto& [k, node] : tbl) {
    std::string key(k.str());
    const Setting* s = nullptr;
    for (const auto& cand : settings())
      if (cand.key == key) s = &cand;
    if (!s) return Error::invalid_argument("bad_config", path + ": unknown setting '" + key + "'");
    std::string value;
    if (auto str = node.value<std::string>()) value = *str;
    else if (auto i = node.value<std::int64_t>()) value = std::to_string(*i);
    else if (auto b = node.value<bool>()) value = *b ? "true" : "false";
    else return Error::invalid_argument("bad_config", path + ": '" + key + "' must be a string, integer or boolean");
    MC_TRY_STATUS(s->set(cfg, value));
  }
  return {};
}

Status apply_environment(ServerConfig& cfg) {
  for (const auto& s : settings()) {
    if (const char* v = std::getenv(env_name(s).c_str())) {
      if (auto st = s.set(cfg, v); !st)
        return Error::invalid_argument("bad_config", env_name(s) + ": " + st.error().message);
    }
  }
  return {};
}

std::string describe(const ServerConfig& cfg) {
  std::string out;
  for (const auto& s : settings()) out += (out.empty() ? "" : " ") + s.key + "=" + s.show(cfg);
  return out;
}

std::string blobs_dir(const ServerConfig& cfg) { return cfg.blobs.empty() ? cfg.data + "/blobs" : cfg.blobs; }

bool is_postgres_url(const std::string& s) {
  return s.rfind("postgres://", 0) == 0 || s.rfind("postgresql://", 0) == 0;
}

}  // namespace mc::server
