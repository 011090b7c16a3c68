#include "client/acquire/catalog.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "client/transport/http_status.hpp"
#include "core/sha256.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace json = boost::json;

namespace {
constexpr std::int64_t kServerPage = 200;  // the most GET /v1/resources answers at once
}  // namespace

Result<wire::ResourcePage> list_resources(Connection& conn, const std::optional<std::string>& type, std::int64_t after,
                                          std::int64_t limit) {
  wire::ResourcePage out;
  for (;;) {
    std::int64_t want = std::min(kServerPage, limit - static_cast<std::int64_t>(out.resources.size()));
    std::string target = "/v1/resources?after=" + std::to_string(after) + "&limit=" + std::to_string(want);
    if (type) target += "&type=" + url_encode(*type);
    MC_TRY(auto answer, conn.call("GET", target));
    MC_TRY(auto page, wire::from_json<wire::ResourcePage>(answer));
    for (auto& r : page.resources) out.resources.push_back(std::move(r));
    out.next_after = page.next_after;
    if (!page.next_after || static_cast<std::int64_t>(out.resources.size()) >= limit) return out;
    if (*page.next_after <= after) {
      return Error{ErrorKind::kInternal, "unexpected_answer", "the server's next page does not move forward"};
    }
    after = *page.next_after;
  }
}

Result<wire::Resource> describe_resource(Connection& conn, const std::string& resource_id) {
  MC_TRY(auto answer, conn.call("GET", "/v1/resources/" + url_encode(resource_id)));
  return wire::from_json<wire::Resource>(answer, "resource");
}

Result<wire::ResourcePage> browse_resources(Connection& conn, const CatalogQuery& q) {
  std::string target = "/v1/resources?limit=" + std::to_string(q.limit);
  auto add = [&target](const char* name, const std::optional<std::string>& v) {
    if (v) target += std::string("&") + name + "=" + url_encode(*v);
  };
  add("type", q.type);
  add("tag", q.tag);
  add("q", q.search);
  add("sort", q.sort);
  add("cursor", q.cursor);
  MC_TRY(auto answer, conn.call("GET", target));
  return wire::from_json<wire::ResourcePage>(answer);
}

Result<wire::Resource> update_resource(Connection& conn, const std::string& id, const json::object& changes) {
  json::value body = changes;
  MC_TRY(auto answer, conn.call("PATCH", "/v1/resources/" + url_encode(id), &body));
  return wire::from_json<wire::Resource>(answer, "resource");
}

Result<wire::Resource> unpublish_resource(Connection& conn, const std::string& id) {
  MC_TRY(auto answer, conn.call("DELETE", "/v1/resources/" + url_encode(id)));
  return wire::from_json<wire::Resource>(answer, "resource");
}

Status grant_resource(Connection& conn, const std::string& id, const std::string& network_id) {
  json::value body = json::object{{"network_id", network_id}};
  MC_TRY_STATUS(conn.call("POST", "/v1/resources/" + url_encode(id) + "/grants", &body));
  return {};
}

Status withdraw_grant(Connection& conn, const std::string& id, const std::string& network_id) {
  MC_TRY_STATUS(conn.call("DELETE", "/v1/resources/" + url_encode(id) + "/grants/" + url_encode(network_id)));
  return {};
}

Result<std::vector<std::string>> list_grants(Connection& conn, const std::string& id) {
  MC_TRY(auto answer, conn.call("GET", "/v1/resources/" + url_encode(id) + "/grants"));
  std::vector<std::string> out;
  const auto* grants = answer.is_object() ? answer.as_object().if_contains("grants") : nullptr;
  if (!grants || !grants->is_array()) {
    return Error{ErrorKind::kInternal, "unexpected_answer", "the server's grants answer has no list"};
  }
  for (const auto& g : grants->as_array()) {
    if (g.is_string()) out.emplace_back(g.as_string());
  }
  return out;
}

Result<ResourceLink> link_resource(Connection& conn, const std::string& id, std::optional<std::int64_t> expires_in) {
  json::object body;
  if (expires_in) body["expires_in"] = *expires_in;
  json::value v = body;
  MC_TRY(auto answer, conn.call("POST", "/v1/resources/" + url_encode(id) + "/link", &v));
  const auto* o = answer.if_object();
  const auto* url = o ? o->if_contains("url") : nullptr;
  const auto* exp = o ? o->if_contains("expires_at") : nullptr;
  if (!url || !url->is_string() || !exp || !exp->is_int64()) {
    return Error{ErrorKind::kInternal, "unexpected_answer", "the server's link answer lacks url or expires_at"};
  }
  return ResourceLink{std::string(url->as_string()), exp->as_int64()};
}

Result<std::string> sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalid_argument("cannot_read_file", "cannot read " + path);
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return Error::invalid_argument("cannot_read_file", "error while reading " + path);
  return h.hex_digest();
}

Result<PublishOutcome> publish_file(Connection& conn, const PublishRequest& req,
                                    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(req.path, ec)) {
    return Error::invalid_argument("cannot_read_file", req.path + " is not a readable file");
  }
  MC_TRY(auto sha, sha256_of_file(req.path));
  PublishOutcome out;
  auto upload = [&]() -> Status {
    auto up = conn.http().post_file("/v1/blobs", req.path, conn.auth_headers({{"X-Content-SHA256", sha}}), progress);
    if (!up) return up.error();
    if (!is_success(up->status)) return error_from_reply(*up);
    out.uploaded = true;
    return {};
  };
  // Bytes this provider uploaded before need not travel again.
  auto held = conn.http().request("HEAD", "/v1/blobs/" + sha, {}, conn.auth_headers());
  if (!held) return held.error();
  if (held->status == 403) {
    return Error::permission_denied("forbidden", "only a provider account may publish");
  }
  if (held->status != 200) {
    if (held->status != 404) return error_from_reply(*held);
    MC_TRY_STATUS(upload());
  }
  json::array tags;
  for (const auto& t : req.tags) tags.emplace_back(t);
  json::object body = req.fields;
  body["type"] = req.type;
  body["title"] = req.title;
  body["tags"] = tags;
  body["sha256"] = sha;
  body["filename"] = std::filesystem::path(req.path).filename().string();
  if (!req.mime.empty()) body["mime"] = req.mime;
  json::value v = body;
  auto answer = conn.call("POST", "/v1/resources", &v);
  if (!answer && answer.error().code == "blob_not_found" && !out.uploaded) {
    // Collected (msgcenterd gc) between the question and the publish: send it after all.
    MC_TRY_STATUS(upload());
    answer = conn.call("POST", "/v1/resources", &v);
  }
  if (!answer) return answer.error();
  MC_TRY(out.resource, wire::from_json<wire::Resource>(*answer, "resource"));
  return out;
}

}  // namespace mc::client
