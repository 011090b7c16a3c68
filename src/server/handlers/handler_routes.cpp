#include "server/handlers/handler_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/clock.hpp"
#include "core/durable_file.hpp"
#include "core/handler/matching.hpp"
#include "core/handler/package.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "core/wire/codec.hpp"
#include "server/net/http_error.hpp"

namespace mc::handlers {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

std::string package_path(const HandlerContext& c, const std::string& name, const std::string& version,
                         const std::string& sha256) {
  return c.dir + "/" + name + "/" + version + "-" + sha256 + ".mch";
}

void remove_temporaries(const std::string& dir) {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().filename().string().find(".tmp-") != std::string::npos) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

namespace {

wire::Handler to_wire(const store::HandlerVersion& v) {
  return wire::Handler{v.name, v.version, v.kinds,     v.mimes,        v.entry, v.min_client, v.description, v.sha256,
                       v.size, v.key_id,  v.publisher, v.published_at, ""};
}

Result<std::vector<std::string>> registered_keys(store::HandlerStore& store) {
  MC_TRY(auto keys, store.list_keys());
  std::vector<std::string> out;
  for (const auto& k : keys) {
    if (auto raw = from_hex(k.public_key)) out.push_back(*raw);
  }
  return out;
}

// POST /v1/handlers: the body is the package, byte for byte as it will be
// served. It is checked as a client will check it (canonical form, limits,
// signature by a registered key) before anything is stored.
Result<HttpResponse> publish(HandlerContext& c, HttpRequest& req) {
  if (req.body.empty()) return Error::invalid_argument("malformed_package", "the body is empty: send the package");
  MC_TRY(auto pkg, handler::parse_package(req.body));
  MC_TRY(auto keys, registered_keys(c.store));
  MC_TRY_STATUS(handler::verify_package(pkg, keys));
  const auto& m = pkg.manifest;
  store::HandlerVersion v;
  v.name = m.name;
  v.version = m.version.text();
  v.kinds = m.kinds;
  v.mimes = m.mimes;
  v.entry = m.entry;
  v.min_client = m.min_client.text();
  v.description = m.description;
  v.sha256 = sha256_hex(req.body);
  v.size = static_cast<std::int64_t>(req.body.size());
  v.key_id = pkg.key_id;
  v.published_at = now_ms();

  std::lock_guard lock(c.publish_mu);
  if (auto existing = c.store.get_version(v.name, v.version); existing) {
    return Error::already_exists("handler_version_exists",
                                 "handler " + v.name + " " + v.version + " is already published; raise the version");
  } else if (!existing.error().is(ErrorKind::kNotFound)) {
    return existing.error();
  }
  // The file first, then the row: a crash between them leaves a file no
  // row names (the next upload of those bytes writes it again); a row never
  // names a file that is not there.
  MC_TRY_STATUS(make_dirs_durably(c.dir + "/" + v.name));
  MC_TRY_STATUS(write_file_durably(package_path(c, v.name, v.version, v.sha256), req.body));
  MC_TRY(auto stored, c.store.add_version(v, req.user().user_id));
  spdlog::info("event=handler_published name={} version={} key_id={} by={}", stored.name, stored.version, stored.key_id,
               req.user().network_id);
  return json_response(201, {{"handler", wire::to_json(to_wire(stored))}});
}

Result<std::string> query_filter(HttpRequest& req, const char* name, std::size_t max) {
  const auto* p = req.query_param(name);
  if (!p) return std::string();
  if (p->size() > max) {
    return Error::invalid_argument("invalid_parameter", std::string(name) + " is longer than " + std::to_string(max));
  }
  return *p;
}

// GET /v1/handlers?kind=K&mime=M: the newest version of each handler that
// opens it, best match first; without kind and mime, the newest of every
// handler, by name.
Result<HttpResponse> list(HandlerContext& c, HttpRequest& req) {
  MC_TRY(auto kind, query_filter(req, "kind", 64));
  MC_TRY(auto mime, query_filter(req, "mime", 255));
  MC_TRY(auto all, c.store.list_versions());
  std::map<std::string, std::pair<store::HandlerVersion, handler::SemVer>> newest;
  for (auto& v : all) {
    auto ver = handler::SemVer::parse(v.version);
    if (!ver) continue;         // stored versions were parsed when published
    std::string name = v.name;  // not v.name below: the right side is evaluated (and moves v) first
    auto it = newest.find(name);
    if (it == newest.end() || it->second.second < *ver) newest[name] = {std::move(v), std::move(*ver)};
  }
  bool filtered = !kind.empty() || !mime.empty();
  std::vector<wire::Handler> out;
  for (auto& [name, entry] : newest) {
    auto w = to_wire(entry.first);
    if (filtered) {
      auto m = handler::match(w.kinds, w.mimes, kind, mime);
      if (m == handler::Match::kNone) continue;
      w.match = std::string(handler::match_name(m));
    }
    out.push_back(std::move(w));
  }
  // Best match first; std::map gave name order, which stable_sort keeps among equals.
  auto rank = [&](const wire::Handler& h) { return static_cast<int>(handler::match(h.kinds, h.mimes, kind, mime)); };
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return rank(a) > rank(b); });
  json::array arr;
  for (const auto& h : out) arr.emplace_back(wire::to_json(h));
  return json_response(200, {{"handlers", arr}});
}

Result<std::pair<store::HandlerVersion, std::string>> version_and_path(HandlerContext& c, HttpRequest& req) {
  MC_TRY(auto v, c.store.get_version(req.path_params["name"], req.path_params["version"]));
  std::string path = package_path(c, v.name, v.version, v.sha256);
  return std::make_pair(std::move(v), std::move(path));
}

// GET /v1/handlers/{name}/{version}: the record and the signature line's
// parts, so a client can decide before it downloads.
Result<HttpResponse> get_version(HandlerContext& c, HttpRequest& req) {
  MC_TRY(auto vp, version_and_path(c, req));
  MC_TRY(auto bytes, read_small_file(vp.second, handler::kMaxPackageBytes));
  MC_TRY(auto pkg, handler::parse_package(bytes));
  json::object answer{{"handler", wire::to_json(to_wire(vp.first))},
                      {"manifest", handler::canonical_json(pkg.manifest)},
                      {"signature", to_hex(pkg.signature)}};
  return json_response(200, std::move(answer));
}

// GET /v1/handlers/{name}/{version}/package: the bytes as uploaded.
Result<HttpResponse> get_package(HandlerContext& c, HttpRequest& req) {
  MC_TRY(auto vp, version_and_path(c, req));
  std::string etag = "\"" + vp.first.sha256 + "\"";
  HttpResponse res;
  if (req.header("if-none-match") == etag) {
    res.status = 304;
    res.headers = {{"ETag", etag}};
    return res;
  }
  res.content_type = "application/vnd.msgcenter.handler";
  res.headers = {{"ETag", etag},
                 {"X-Content-SHA256", vp.first.sha256},
                 {"Content-Disposition",
                  "attachment; filename=\"" + vp.first.name + "-" + vp.first.version + ".mch\""}};
  res.file = net::FileSlice{vp.second, 0, static_cast<std::uint64_t>(vp.first.size)};
  return res;
}

Result<HttpResponse> list_keys(HandlerContext& c) {
  MC_TRY(auto keys, c.store.list_keys());
  json::array arr;
  for (const auto& k : keys) arr.emplace_back(wire::to_json(wire::HandlerKey{k.key_id, k.public_key, k.added_at}));
  return json_response(200, {{"keys", arr}});
}

}  // namespace

void register_handler_routes(net::Router& router, HandlerContext& c) {
  using net::Access;
  router.add("POST", "/v1/handlers", Access::kProvider, [&c](HttpRequest& req) { return publish(c, req); });
  router.add("GET", "/v1/handlers", Access::kUser, [&c](HttpRequest& req) { return list(c, req); });
  router.add("GET", "/v1/handlers/{name}/{version}", Access::kUser,
             [&c](HttpRequest& req) { return get_version(c, req); });
  router.add("GET", "/v1/handlers/{name}/{version}/package", Access::kUser,
             [&c](HttpRequest& req) { return get_package(c, req); });
  router.add("GET", "/v1/handler-keys", Access::kUser, [&c](HttpRequest&) { return list_keys(c); });
}

}  // namespace mc::handlers
