#include "server/catalog/catalog_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "core/resource_type.hpp"
#include "server/catalog/byte_range.hpp"
#include "server/catalog/resource_json.hpp"
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
  if (type == "webpage") return "text/html; charset=utf-8";
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
    return json_response(201, {{"sha256", blob->sha256}, {"size", blob->size}});
  }

 private:
  std::unique_ptr<BlobWriter> writer_;
  std::optional<std::string> expected_;
  store::CatalogStore& catalog_;
  std::string publisher_;
};

}  // namespace

Result<store::Resource> publish_resource(store::CatalogStore& catalog, store::Resource r, std::int64_t publisher_id) {
  if (auto st = validate_resource_type(r.type); !st) return st.error();
  if (r.title.empty()) return Error::invalid_argument("invalid_field", "a resource needs a non-empty title");
  auto size = catalog.blob_size(r.sha256);
  if (!size) return size.error();
  if (!*size) return Error::not_found("blob_not_found", "no blob with SHA-256 " + r.sha256 + ": upload it first");
  r.id = new_id("r_");
  r.created_at = now_ms();
  if (r.mime.empty()) r.mime = default_mime(r.type);
  if (r.filename.empty()) r.filename = r.title;
  return catalog.create_resource(r, publisher_id);
}

void register_catalog_routes(net::Router& router, store::CatalogStore& catalog, BlobStore& blobs,
                             const accounts::Authenticator& auth, CatalogOptions opts) {
  router.add_upload("POST", "/v1/blobs", [&catalog, &blobs, &auth, opts](HttpRequest& req)
                                             -> Result<std::unique_ptr<net::UploadSink>> {
    auto caller = auth.authenticate_provider(req);
    if (!caller) return caller.error();
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
      if (ec == std::errc() && n > opts.upload_limit) {
        return Error::too_large("body_too_large", "the upload is larger than " + std::to_string(opts.upload_limit) +
                                                      " bytes");
      }
    }
    auto w = blobs.begin(opts.upload_limit);
    if (!w) return w.error();
    return std::unique_ptr<net::UploadSink>(
        std::make_unique<BlobUpload>(std::move(*w), expected, catalog, caller->network_id));
  });

  router.add("POST", "/v1/resources", [&catalog, &auth](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate_provider(req);
    if (!caller) return error_response(caller.error());
    auto body = parse_json_object(req.body);
    if (!body) return error_response(body.error());
    store::Resource r;
    auto type = string_field(*body, "type", true, 32);
    if (!type) return error_response(type.error());
    auto title = string_field(*body, "title", true, 200);
    if (!title) return error_response(title.error());
    auto sha = string_field(*body, "sha256", true, 64);
    if (!sha) return error_response(sha.error());
    if (!is_sha256_hex(**sha)) {
      return error_response(Error::invalid_argument("invalid_digest", "sha256 must be 64 lower-case hex characters"));
    }
    auto tags = string_list_field(*body, "tags", false, 20, 32);
    if (!tags) return error_response(tags.error());
    auto mime = string_field(*body, "mime", false, 100);
    if (!mime) return error_response(mime.error());
    auto filename = string_field(*body, "filename", false, 200);
    if (!filename) return error_response(filename.error());
    r.type = **type;
    r.title = **title;
    r.sha256 = **sha;
    r.tags = tags->value_or(std::vector<std::string>{});
    r.mime = mime->value_or("");
    r.filename = filename->value_or("");
    auto created = publish_resource(catalog, std::move(r), caller->user_id);
    if (!created) return error_response(created.error());
    spdlog::info("event=resource_published id={} type={} by={}", created->id, created->type, caller->network_id);
    return json_response(201, {{"resource", resource_json(*created)}});
  });

  router.add("GET", "/v1/resources", [&catalog, &auth](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    std::optional<std::string> type;
    if (const auto* t = req.query_param("type")) {
      if (auto st = validate_resource_type(*t); !st) return error_response(st.error());
      type = *t;
    }
    auto after = net::query_int(req, "after", 0, 0, INT64_MAX);
    if (!after) return error_response(after.error());
    auto limit = net::query_int(req, "limit", kDefaultPage, 1, kMaxPage);
    if (!limit) return error_response(limit.error());
    auto page = catalog.list_resources(type, *after, static_cast<int>(*limit));
    if (!page) return error_response(page.error());
    json::array list;
    for (const auto& r : page->resources) list.emplace_back(resource_json(r));
    json::value next = page->next_after ? json::value(*page->next_after) : json::value(nullptr);
    return json_response(200, {{"resources", list}, {"next_after", next}});
  });

  router.add("GET", "/v1/resources/{id}", [&catalog, &auth](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    auto r = catalog.get_resource(req.path_params["id"]);
    if (!r) return error_response(r.error());
    return json_response(200, {{"resource", resource_json(*r)}});
  });

  router.add("GET", "/v1/resources/{id}/content", [&catalog, &blobs, &auth](HttpRequest& req) -> HttpResponse {
    auto caller = auth.authenticate(req);
    if (!caller) return error_response(caller.error());
    auto r = catalog.get_resource(req.path_params["id"]);
    if (!r) return error_response(r.error());
    auto size = static_cast<std::uint64_t>(r->size);
    std::string etag = "\"" + r->sha256 + "\"";
    HttpResponse res;
    res.content_type = r->mime;
    res.headers = {{"ETag", etag}, {"Accept-Ranges", "bytes"}, {"X-Content-SHA256", r->sha256}};
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
    net::FileSlice slice{blobs.path_for(r->sha256), 0, size};
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
  });
}

}  // namespace mc::catalog
