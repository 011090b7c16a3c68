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

Result<wire::Resource> publish_file(Connection& conn, const PublishRequest& req) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(req.path, ec)) {
    return Error::invalid_argument("cannot_read_file", req.path + " is not a readable file");
  }
  MC_TRY(auto sha, sha256_of_file(req.path));
  auto up = conn.http().post_file("/v1/blobs", req.path, conn.auth_headers({{"X-Content-SHA256", sha}}));
  if (!up) return up.error();
  if (!is_success(up->status)) return error_from_reply(*up);

  json::array tags;
  for (const auto& t : req.tags) tags.emplace_back(t);
  json::object body = {{"type", req.type},
                       {"title", req.title},
                       {"tags", tags},
                       {"sha256", sha},
                       {"filename", std::filesystem::path(req.path).filename().string()}};
  if (!req.mime.empty()) body["mime"] = req.mime;
  json::value v = body;
  MC_TRY(auto answer, conn.call("POST", "/v1/resources", &v));
  return wire::from_json<wire::Resource>(answer, "resource");
}

}  // namespace mc::client
