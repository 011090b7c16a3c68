#include "client/acquire/catalog.hpp"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "client/transport/http_status.hpp"
#include "core/sha256.hpp"

namespace mc::client {

namespace json = boost::json;

Result<CatalogPage> list_resources(Connection& conn, const std::optional<std::string>& type, std::int64_t after,
                                   int limit) {
  std::string target = "/v1/resources?after=" + std::to_string(after) + "&limit=" + std::to_string(limit);
  if (type) target += "&type=" + url_encode(*type);
  auto r = conn.call("GET", target);
  if (!r) return r.error();
  CatalogPage page;
  for (const auto& v : r->at("resources").as_array()) page.resources.push_back(v.as_object());
  const auto& next = r->at("next_after");
  if (!next.is_null()) page.next_after = next.to_number<std::int64_t>();
  return page;
}

Result<json::object> describe_resource(Connection& conn, const std::string& resource_id) {
  auto r = conn.call("GET", "/v1/resources/" + url_encode(resource_id));
  if (!r) return r.error();
  return r->at("resource").as_object();
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

Result<json::object> publish_file(Connection& conn, const PublishRequest& req) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(req.path, ec)) {
    return Error::invalid_argument("cannot_read_file", req.path + " is not a readable file");
  }
  auto sha = sha256_of_file(req.path);
  if (!sha) return sha.error();
  auto up = conn.http().post_file("/v1/blobs", req.path, conn.auth_headers({{"X-Content-SHA256", *sha}}));
  if (!up) return up.error();
  if (!is_success(up->status)) return error_from_reply(*up);

  json::array tags;
  for (const auto& t : req.tags) tags.emplace_back(t);
  json::object body = {{"type", req.type},
                       {"title", req.title},
                       {"tags", tags},
                       {"sha256", *sha},
                       {"filename", std::filesystem::path(req.path).filename().string()}};
  if (!req.mime.empty()) body["mime"] = req.mime;
  json::value v = body;
  auto r = conn.call("POST", "/v1/resources", &v);
  if (!r) return r.error();
  return r->at("resource").as_object();
}

}  // namespace mc::client
