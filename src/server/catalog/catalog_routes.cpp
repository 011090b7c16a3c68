#include "server/catalog/catalog_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "core/resource_type.hpp"
#include "core/wire/codec.hpp"
#include "server/catalog/byte_range.hpp"
#include "server/net/http_error.hpp"

namespace mc::catalog {

namespace json = boost::json;
using net::error_response;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 200;

std::string default_mime(const std::string& type) {
  if (type == "video") return "video/mp4";
  if (type == "music") return "audio/mpeg";
  if (type == "novel") return "text/plain; charset=utf-8";
  // No charset: the page's own <meta> names it, and a guessed one would
  // outrank it (a browser trusts the Content-Type first).
  if (type == "webpage") return "text/html";
  if (type == "product") return "application/json";
  return "application/octet-stream";
}

class BlobUpload final : public net::UploadSink {
 public:
  BlobUpload(std::unique_ptr<BlobWriter> w, std::optional<std::string> expected, store::CatalogStore& catalog,
             std::string publisher)
      : writer_(std::move(w)), expected_(std::move(expected)), catalog_(catalog), publisher_(std::move(publisher)) {}

  Status write(const char* data, std::size_t size) override { return writer_->write(data, size); }

  HttpResponse finish() override {
    auto blob = writer_->commit(expected_);
    if (!blob) return error_response(blob.error());
    if (auto st = catalog_.put_blob(blob->sha256, static_cast<std::int64_t>(blob->size)); !st) {
      return error_response(st.error());
    }
    spdlog::info("event=blob_stored sha256={} size={} by={}", blob->sha256, blob->size, publisher_);
    return json_response(201, wire::to_json(wire::StoredBlob{blob->sha256, static_cast<std::int64_t>(blob->size)}));
  }

 private:
  std::unique_ptr<BlobWriter> writer_;
  std::optional<std::string> expected_;
  store::CatalogStore& catalog_;
  std::string publisher_;
};

}  // namespace

Result<store::Resource> publish_resource(store::CatalogStore& catalog, store::Resource r, std::int64_t publisher_id) {
  MC_TRY_STATUS(validate_resource_type(r.type));
  if (r.title.empty()) return Error::invalid_argument("invalid_field", "a resource needs a non-empty title");
  MC_TRY(auto size, catalog.blob_size(r.sha256));
  if (!size) return Error::not_found("blob_not_found", "no blob with SHA-256 " + r.sha256 + ": upload it first");
  r.id = new_id("r_");
  r.created_at = now_ms();
  if (r.mime.empty()) r.mime = default_mime(r.type);
  if (r.filename.empty()) r.filename = r.title;
  return catalog.create_resource(r, publisher_id);
}

namespace {

Result<std::unique_ptr<net::UploadSink>> begin_upload(CatalogContext& c, HttpRequest& req) {
  std::optional<std::string> expected;
  if (const auto& d = req.header("x-content-sha256"); !d.empty()) {
    if (!is_sha256_hex(d)) {
      return Error::invalid_argument("invalid_digest", "X-Content-SHA256 must be 64 lower-case hex characters");
    }
    expected = d;
  }
  const auto& len = req.header("content-length");
  if (!len.empty()) {
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
    if (ec == std::errc() && n > c.upload_limit) {
      return Error::too_large("body_too_large",
                              "the upload is larger than " + std::to_string(c.upload_limit) + " bytes");
    }
  }
  MC_TRY(auto w, c.blobs.begin(c.upload_limit));
  return std::unique_ptr<net::UploadSink>(
      std::make_unique<BlobUpload>(std::move(w), expected, c.catalog, req.user().network_id));
}

Result<HttpResponse> create_resource(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto type, string_field(body, "type", true, 32));
  MC_TRY(auto title, string_field(body, "title", true, 200));
  MC_TRY(auto sha, string_field(body, "sha256", true, 64));
  if (!is_sha256_hex(*sha)) {
    return Error::invalid_argument("invalid_digest", "sha256 must be 64 lower-case hex characters");
  }
  MC_TRY(auto tags, string_list_field(body, "tags", false, 20, 32));
  MC_TRY(auto mime, string_field(body, "mime", false, 100));
  MC_TRY(auto filename, string_field(body, "filename", false, 200));
  store::Resource r;
  r.type = *type;
  r.title = *title;
  r.sha256 = *sha;
  r.tags = tags.value_or(std::vector<std::string>{});
  r.mime = mime.value_or("");
  r.filename = filename.value_or("");
  MC_TRY(auto created, publish_resource(c.catalog, std::move(r), req.user().user_id));
  spdlog::info("event=resource_published id={} type={} by={}", created.id, created.type, req.user().network_id);
  return json_response(201, {{"resource", wire::to_json(created)}});
}

Result<HttpResponse> list_resources(CatalogContext& c, HttpRequest& req) {
  std::optional<std::string> type;
  if (const auto* t = req.query_param("type")) {
    MC_TRY_STATUS(validate_resource_type(*t));
    type = *t;
  }
  MC_TRY(auto after, net::query_int(req, "after", 0, 0, INT64_MAX));
  MC_TRY(auto limit, net::query_int(req, "limit", kDefaultPage, 1, kMaxPage));
  MC_TRY(auto page, c.catalog.list_resources(type, after, static_cast<int>(limit)));
  return json_response(200, wire::to_json(wire::ResourcePage{std::move(page.resources), page.next_after}));
}

Result<HttpResponse> get_resource(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto r, c.catalog.get_resource(req.path_params["id"]));
  return json_response(200, {{"resource", wire::to_json(r)}});
}

// The bytes, with Range and If-Range (RFC 9110), sent with sendfile.
Result<HttpResponse> get_content(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto r, c.catalog.get_resource(req.path_params["id"]));
  auto size = static_cast<std::uint64_t>(r.size);
  std::string etag = "\"" + r.sha256 + "\"";
  HttpResponse res;
  res.content_type = r.mime;
  res.headers = {{"ETag", etag}, {"Accept-Ranges", "bytes"}, {"X-Content-SHA256", r.sha256}};
  RangeDecision d;
  const auto& if_range = req.header("if-range");
  // If-Range: resume only when the client's partial copy is of these very
  // bytes; otherwise send everything afresh.
  if (!req.header("range").empty() && (if_range.empty() || if_range == etag)) {
    d = decide_range(req.header("range"), size);
  }
  if (d.kind == RangeDecision::kUnsatisfiable) {
    auto e = error_response(Error::out_of_range("range_not_satisfiable", "the range is outside the resource's " +
                                                                             std::to_string(size) + " bytes"));
    e.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    return e;
  }
  net::FileSlice slice{c.blobs.path_for(r.sha256), 0, size};
  if (d.kind == RangeDecision::kPartial) {
    res.status = 206;
    slice.offset = d.range.offset;
    slice.length = d.range.length;
    res.headers.emplace_back("Content-Range", "bytes " + std::to_string(d.range.offset) + "-" +
                                                  std::to_string(d.range.offset + d.range.length - 1) + "/" +
                                                  std::to_string(size));
  }
  res.file = slice;
  return res;
}

}  // namespace

void register_catalog_routes(net::Router& router, CatalogContext& c) {
  using net::Access;
  router.add_upload("POST", "/v1/blobs", Access::kProvider, [&c](HttpRequest& req) { return begin_upload(c, req); });
  router.add("POST", "/v1/resources", Access::kProvider, [&c](HttpRequest& req) { return create_resource(c, req); });
  router.add("GET", "/v1/resources", Access::kUser, [&c](HttpRequest& req) { return list_resources(c, req); });
  router.add("GET", "/v1/resources/{id}", Access::kUser, [&c](HttpRequest& req) { return get_resource(c, req); });
  router.add("GET", "/v1/resources/{id}/content", Access::kUser,
             [&c](HttpRequest& req) { return get_content(c, req); });
}

}  // namespace mc::catalog
