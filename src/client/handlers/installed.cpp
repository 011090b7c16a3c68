#include "client/handlers/installed.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <filesystem>

#include "client/handlers/sandbox.hpp"
#include "core/clock.hpp"
#include "core/durable_file.hpp"
#include "core/handler/matching.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxIndexBytes = 4u << 20;

std::string keys_path(const std::string& home) { return home + "/handler-keys.json"; }
std::string handlers_dir(const std::string& home) { return home + "/handlers"; }
std::string index_path(const std::string& home) { return handlers_dir(home) + "/installed.json"; }
std::string package_file(const std::string& home, const std::string& name, const std::string& version) {
  return handlers_dir(home) + "/" + name + "/" + version + ".mch";
}

Error corrupt(const std::string& path, const std::string& what) {
  return Error{ErrorKind::kDataLoss, "bad_key_file", path + ": " + what};
}

// A JSON file under HOME, or nullopt when there is none.
Result<std::optional<json::object>> read_json_file(const std::string& path) {
  auto text = read_small_file(path, kMaxIndexBytes);
  if (!text) {
    if (text.error().is(ErrorKind::kNotFound)) return std::optional<json::object>();
    return text.error();
  }
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_object()) return Error{ErrorKind::kDataLoss, "corrupt_file", path + " is not a JSON object"};
  return std::optional<json::object>(std::move(v.as_object()));
}

Status write_json_file(const std::string& path, const json::object& o) {
  MC_TRY_STATUS(make_dirs_durably(fs::path(path).parent_path().string(), 0700));
  return write_file_durably(path, json::serialize(o) + "\n", 0600);
}

// installed.json: {"handlers": {NAME: {...}}, "highest": {NAME: VERSION}}
struct Index {
  json::object handlers;
  json::object highest;
};

Result<Index> read_index(const std::string& home) {
  MC_TRY(auto o, read_json_file(index_path(home)));
  Index idx;
  if (!o) return idx;
  if (const auto* h = o->if_contains("handlers"); h && h->is_object()) idx.handlers = h->as_object();
  if (const auto* h = o->if_contains("highest"); h && h->is_object()) idx.highest = h->as_object();
  return idx;
}

Status write_index(const std::string& home, const Index& idx) {
  return write_json_file(index_path(home), json::object{{"handlers", idx.handlers}, {"highest", idx.highest}});
}

std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->as_array()) {
    if (e.is_string()) out.emplace_back(e.as_string());
  }
  return out;
}

std::string string_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Holds HOME/handlers/.lock for one read-modify-write of the index, so that
// two processes on one profile (msgc and an app) never lose each other's
// entries, the record of the highest versions included.
class IndexLock {
 public:
  static Result<IndexLock> take(const std::string& home) {
    MC_TRY_STATUS(make_dirs_durably(handlers_dir(home), 0700));
    std::string path = handlers_dir(home) + "/.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Error::failed_precondition("cannot_write_file", "cannot open " + path);
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        ::close(fd);
        return Error::failed_precondition("cannot_write_file", "cannot lock " + path);
      }
    }
    return IndexLock(fd);
  }
  IndexLock(IndexLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  IndexLock& operator=(IndexLock&&) = delete;
  ~IndexLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }

 private:
  explicit IndexLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace

// HOME/handler-keys.json: {"servers": {URL: {"keys": [{"key_id", "public_key"}], "pinned_at"}}}
Result<PinnedKeys> pinned_keys(const std::string& home, const ClientConfig& config, const std::string& server) {
  PinnedKeys out;
  std::vector<std::string> hex = config.handlers.keys;
  out.from_config = !hex.empty();
  if (hex.empty()) {
    MC_TRY(auto o, read_json_file(keys_path(home)));
    const json::value* servers = o ? o->if_contains("servers") : nullptr;
    if (o && (!servers || !servers->is_object())) return corrupt(keys_path(home), "no servers");
    const json::value* entry = servers ? servers->as_object().if_contains(server) : nullptr;
    if (entry) {
      const auto* keys = entry->is_object() ? entry->as_object().if_contains("keys") : nullptr;
      if (!keys || !keys->is_array()) return corrupt(keys_path(home), "no list of keys for " + server);
      for (const auto& k : keys->as_array()) {
        if (!k.is_object()) return corrupt(keys_path(home), "a key is not an object");
        hex.push_back(string_of(k.as_object(), "public_key"));
      }
    }
  }
  for (const auto& h : hex) {
    auto raw = from_hex(h);
    if (!raw || raw->size() != 32) return corrupt(keys_path(home), "a public key is not 64 hex digits");
    out.key_ids.push_back(handler::key_id(*raw));
    out.public_keys.push_back(std::move(*raw));
  }
  return out;
}

Result<std::vector<std::string>> pin_server_keys(Connection& conn, const std::string& home,
                                                 const ClientConfig& config) {
  std::string server = conn.url().text();
  MC_TRY(auto have, pinned_keys(home, config, server));
  if (have.from_config || !have.public_keys.empty()) return std::vector<std::string>{};
  MC_TRY(auto answer, conn.call("GET", "/v1/handler-keys"));
  const auto* keys = answer.is_object() ? answer.as_object().if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) return Error{ErrorKind::kInternal, "unexpected_answer", "no 'keys' in the answer"};
  json::array pinned;
  std::vector<std::string> ids;
  for (const auto& k : keys->as_array()) {
    MC_TRY(auto key, wire::from_json<wire::HandlerKey>(k));
    auto raw = from_hex(key.public_key);
    // The id is computed here, not taken from the server.
    if (!raw || raw->size() != 32) {
      return Error{ErrorKind::kInternal, "unexpected_answer", "the server listed a malformed public key"};
    }
    ids.push_back(handler::key_id(*raw));
    pinned.push_back(json::object{{"key_id", ids.back()}, {"public_key", key.public_key}});
  }
  if (ids.empty()) return ids;  // nothing to pin yet: try again when a handler is needed
  MC_TRY(auto o, read_json_file(keys_path(home)));
  json::object file = o.value_or(json::object{});
  if (!file.contains("servers") || !file["servers"].is_object()) file["servers"] = json::object{};
  file["servers"].as_object()[server] = json::object{{"keys", std::move(pinned)}, {"pinned_at", now_ms()}};
  MC_TRY_STATUS(write_json_file(keys_path(home), file));
  return ids;
}

Result<std::vector<InstalledHandler>> installed_handlers(const std::string& home) {
  MC_TRY(auto idx, read_index(home));
  std::vector<InstalledHandler> out;
  for (const auto& [name, v] : idx.handlers) {
    if (!v.is_object()) continue;
    const auto& o = v.as_object();
    InstalledHandler h;
    h.name = std::string(name);
    h.version = string_of(o, "version");
    h.kinds = strings_of(o.if_contains("kinds"));
    h.mimes = strings_of(o.if_contains("mimes"));
    h.sha256 = string_of(o, "sha256");
    h.key_id = string_of(o, "key_id");
    if (const auto* t = o.if_contains("installed_at"); t && t->is_int64()) h.installed_at = t->as_int64();
    out.push_back(std::move(h));
  }
  return out;
}

std::optional<InstalledHandler> best_installed(const std::vector<InstalledHandler>& installed, const std::string& kind,
                                               const std::string& mime) {
  std::optional<InstalledHandler> best;
  auto best_rank = handler::Match::kNone;
  for (const auto& h : installed) {  // in name order: the first of equals wins, as on the server
    auto m = handler::match(h.kinds, h.mimes, kind, mime);
    if (m > best_rank) {
      best_rank = m;
      best = h;
    }
  }
  return best;
}

Result<InstalledHandler> install_handler(const std::string& home, const std::string& bytes, const PinnedKeys& keys) {
  MC_TRY(auto pkg, handler::parse_package(bytes));
  if (keys.public_keys.empty()) {
    return Error::permission_denied("unknown_signing_key",
                                    "no handler publishing key is pinned on this terminal: log in again, or set "
                                    "[handlers] keys in " +
                                        home + "/config.toml");
  }
  MC_TRY_STATUS(handler::verify_package(pkg, keys.public_keys));
  const auto& m = pkg.manifest;
  MC_TRY(auto lock, IndexLock::take(home));
  MC_TRY(auto idx, read_index(home));
  if (const auto* h = idx.highest.if_contains(m.name); h && h->is_string()) {
    auto highest = handler::SemVer::parse(std::string(h->as_string()));
    if (highest && m.version < *highest) {
      return Error::failed_precondition("handler_downgrade", m.name + " " + m.version.text() +
                                                                 " is older than version " + highest->text() +
                                                                 ", which this terminal installed before");
    }
  }
  if (auto client = handler::SemVer::parse(kVersion); client && *client < m.min_client) {
    return Error::failed_precondition("handler_needs_newer_client", m.name + " " + m.version.text() +
                                                                        " needs msgcenter " + m.min_client.text() +
                                                                        " or later; this is " + std::string(kVersion));
  }
  // It must load before it replaces anything.
  handlers::HandlerRun trial;
  trial.load_only = true;
  MC_TRY_STATUS(handlers::run_handler(pkg, std::move(trial)));

  std::string version = m.version.text();
  MC_TRY_STATUS(make_dirs_durably(handlers_dir(home) + "/" + m.name, 0700));
  MC_TRY_STATUS(write_file_durably(package_file(home, m.name, version), bytes, 0600));
  std::string previous;
  if (const auto* old = idx.handlers.if_contains(m.name); old && old->is_object()) {
    previous = string_of(old->as_object(), "version");
  }
  InstalledHandler h{m.name, version, m.kinds, m.mimes, sha256_hex(bytes), pkg.key_id, now_ms()};
  idx.handlers[m.name] = json::object{{"version", h.version},
                                      {"kinds", json::value_from(h.kinds)},
                                      {"mimes", json::value_from(h.mimes)},
                                      {"sha256", h.sha256},
                                      {"key_id", h.key_id},
                                      {"installed_at", h.installed_at}};
  idx.highest[m.name] = version;
  MC_TRY_STATUS(write_index(home, idx));
  if (!previous.empty() && previous != version) {
    std::error_code ec;
    fs::remove(package_file(home, m.name, previous), ec);  // the index no longer names it
  }
  return h;
}

Result<handler::Package> load_installed(const std::string& home, const InstalledHandler& h, const PinnedKeys& keys) {
  MC_TRY(auto bytes, read_small_file(package_file(home, h.name, h.version), handler::kMaxPackageBytes + 1));
  MC_TRY(auto pkg, handler::parse_package(bytes));
  MC_TRY_STATUS(handler::verify_package(pkg, keys.public_keys));
  if (pkg.manifest.name != h.name || pkg.manifest.version.text() != h.version) {
    return Error{ErrorKind::kDataLoss, "bad_signature",
                 "the installed file of " + h.name + " " + h.version + " holds another handler"};
  }
  return pkg;
}

Status remove_handler(const std::string& home, const std::string& name) {
  MC_TRY(auto lock, IndexLock::take(home));
  MC_TRY(auto idx, read_index(home));
  const auto* h = idx.handlers.if_contains(name);
  if (!h) return Error::not_found("handler_not_installed", "no handler '" + name + "' is installed");
  idx.handlers.erase(name);
  MC_TRY_STATUS(write_index(home, idx));
  std::error_code ec;
  fs::remove_all(handlers_dir(home) + "/" + name, ec);
  return {};
}

std::string handler_state_path(const std::string& home, const std::string& name) {
  return handlers_dir(home) + "/" + name + "/state.json";
}

std::map<std::string, std::string> load_handler_state(const std::string& path) {
  std::map<std::string, std::string> out;
  auto o = read_json_file(path);
  if (!o || !*o) return out;  // a state that does not read back starts afresh: it is the handler's cache
  for (const auto& [k, v] : **o) {
    if (v.is_string()) out[std::string(k)] = std::string(v.as_string());
  }
  return out;
}

Status save_handler_state(const std::string& path, const std::map<std::string, std::string>& state) {
  json::object o;
  for (const auto& [k, v] : state) o[k] = v;
  return write_json_file(path, o);
}

}  // namespace mc::client
