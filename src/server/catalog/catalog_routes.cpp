#include "server/catalog/catalog_routes.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <set>

#include "core/catalog/resource_attributes.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "core/resource_type.hpp"
#include "core/search/search_text.hpp"
#include "core/sha256.hpp"
#include "core/signed_token.hpp"
#include "core/wire/codec.hpp"
#include "server/accounts/user_lookup.hpp"
#include "server/catalog/byte_range.hpp"
#include "server/net/http_error.hpp"
#include "server/popularity_counts.hpp"
#include "store/resource_access.hpp"

namespace mc::catalog {

namespace json = boost::json;
using net::error_response;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 200;
constexpr std::size_t kMaxDescriptionBytes = 4000;

// A file name safe inside a quoted Content-Disposition value.
std::string safe_filename(const std::string& name) {
  std::string out;
  for (char ch : name) {
    auto u = static_cast<unsigned char>(ch);
    out += (u < 0x20 || ch == '"' || ch == '\\' || u == 0x7f) ? '_' : ch;
  }
  return out;
}

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
             BlobStore& blobs, std::int64_t uploader_id, std::string publisher)
      : writer_(std::move(w)),
        expected_(std::move(expected)),
        catalog_(catalog),
        blobs_(blobs),
        uploader_id_(uploader_id),
        publisher_(std::move(publisher)) {}

  Status write(const char* data, std::size_t size) override { return writer_->write(data, size); }

  HttpResponse finish() override {
    // Held from the commit until the blob is recorded: gc waits for it.
    auto held = blobs_.lock(false);
    if (!held) return error_response(held.error());
    auto blob = writer_->commit(expected_);
    if (!blob) return error_response(blob.error());
    if (auto st = catalog_.put_blob(blob->sha256, static_cast<std::int64_t>(blob->size), uploader_id_); !st) {
      return error_response(st.error());
    }
    spdlog::info("event=blob_stored sha256={} size={} by={}", blob->sha256, blob->size, publisher_);
    return json_response(201, wire::to_json(wire::StoredBlob{blob->sha256, static_cast<std::int64_t>(blob->size)}));
  }

 private:
  std::unique_ptr<BlobWriter> writer_;
  std::optional<std::string> expected_;
  store::CatalogStore& catalog_;
  BlobStore& blobs_;
  std::int64_t uploader_id_;
  std::string publisher_;
};

// The fields a publish and a PATCH share, as given (absent: unchanged).
struct ResourceFields {
  std::optional<std::string> title, description, access;
  std::optional<std::vector<std::string>> tags;
  std::optional<bool> shareable;
  std::optional<std::optional<std::int64_t>> share_access_seconds;
  const json::value* attributes = nullptr;  // into the request's body
};

constexpr std::int64_t kMaxShareAccessSeconds = 10LL * 365 * 24 * 3600;

Result<ResourceFields> read_resource_fields(const json::object& body) {
  ResourceFields f;
  MC_TRY(f.title, string_field(body, "title", false, 200));
  if (f.title && f.title->empty())
    return Error::invalid_argument("invalid_field", "a resource needs a non-empty title");
  MC_TRY(f.description, string_field(body, "description", false, kMaxDescriptionBytes));
  MC_TRY(f.tags, string_list_field(body, "tags", false, 20, 32));
  if (f.tags) {
    for (const auto& t : *f.tags) {
      if (t.empty()) return Error::invalid_argument("invalid_field", "a tag must not be empty");
    }
  }
  MC_TRY(f.access, string_field(body, "access", false, 16));
  if (f.access && *f.access != "public" && *f.access != "restricted") {
    return Error::invalid_argument("invalid_field", "access must be \"public\" or \"restricted\"");
  }
  if (const auto* v = body.if_contains("shareable")) {
    if (!v->is_bool()) return Error::invalid_argument("invalid_field", "shareable must be true or false");
    f.shareable = v->as_bool();
  }
  if (const auto* v = body.if_contains("share_access_seconds")) {
    if (v->is_null()) {
      f.share_access_seconds = std::optional<std::int64_t>{};
    } else if (v->is_int64() && v->as_int64() >= 1 && v->as_int64() <= kMaxShareAccessSeconds) {
      f.share_access_seconds = std::optional<std::int64_t>(v->as_int64());
    } else {
      return Error::invalid_argument("invalid_field", "share_access_seconds must be null or an integer from 1 to " +
                                                          std::to_string(kMaxShareAccessSeconds));
    }
  }
  if (const auto* v = body.if_contains("attributes")) f.attributes = v;
  return f;
}

// Checks attributes for `type` and that the resources they name exist.
Result<std::string> checked_attributes(store::CatalogStore& catalog, const std::string& type,
                                       const json::value* attributes, std::int64_t size) {
  MC_TRY(auto canonical, validate_attributes(type, attributes, size));
  for (const auto& id : referenced_resources(type, canonical)) {
    auto r = catalog.get_resource(id);
    if (!r && r.error().code == "resource_not_found") {
      return Error::invalid_argument("invalid_attributes",
                                     "attributes name resource '" + id + "', which does not exist");
    }
    if (!r) return r.error();
  }
  return json::serialize(canonical);
}

}  // namespace

Result<store::Resource> publish_resource(store::CatalogStore& catalog, store::Resource r, std::int64_t publisher_id) {
  MC_TRY_STATUS(validate_resource_type(r.type));
  if (r.title.empty()) return Error::invalid_argument("invalid_field", "a resource needs a non-empty title");
  MC_TRY(auto size, catalog.blob_size(r.sha256));
  // Knowing a hash proves nothing (every user sees resources' hashes): a
  // provider publishes only bytes it uploaded itself.
  MC_TRY(bool held, catalog.holds_blob(r.sha256, publisher_id));
  if (!size || !held) {
    return Error::not_found("blob_not_found",
                            "you have uploaded no blob with SHA-256 " + r.sha256 + ": upload it first");
  }
  boost::system::error_code ec;
  auto attributes = json::parse(r.attributes.empty() ? "{}" : r.attributes, ec);
  if (ec) return Error::invalid_argument("invalid_attributes", "attributes must be a JSON object");
  MC_TRY(r.attributes, checked_attributes(catalog, r.type, &attributes, *size));
  r.id = new_id("r_");
  r.created_at = now_ms();
  r.updated_at = r.created_at;
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
  return std::unique_ptr<net::UploadSink>(std::make_unique<BlobUpload>(std::move(w), expected, c.catalog, c.blobs,
                                                                       req.user().user_id, req.user().network_id));
}

// GET/HEAD /v1/blobs/{sha256}: whether the server holds a blob this provider
// uploaded (it skips uploading it again) and its bytes.
Result<HttpResponse> get_blob(CatalogContext& c, HttpRequest& req) {
  const auto& sha = req.path_params["sha256"];
  if (!is_sha256_hex(sha)) {
    return Error::invalid_argument("invalid_digest", "a blob is named by 64 lower-case hex characters");
  }
  MC_TRY(auto size, c.catalog.blob_size(sha));
  MC_TRY(bool held, c.catalog.holds_blob(sha, req.user().user_id));
  // Only to a provider that uploaded it: anyone else learns nothing, not even that it exists.
  if (!size || !held) return Error::not_found("blob_not_found", "you have uploaded no blob with SHA-256 " + sha);
  HttpResponse res;
  res.content_type = "application/octet-stream";
  res.headers = {{"ETag", "\"" + sha + "\""}, {"X-Content-SHA256", sha}};
  res.file = net::FileSlice{c.blobs.path_for(sha), 0, static_cast<std::uint64_t>(*size)};
  return res;
}

Result<HttpResponse> create_resource(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto type, string_field(body, "type", true, 32));
  MC_TRY(auto title, string_field(body, "title", true, 200));
  MC_TRY(auto sha, string_field(body, "sha256", true, 64));
  if (!is_sha256_hex(*sha)) {
    return Error::invalid_argument("invalid_digest", "sha256 must be 64 lower-case hex characters");
  }
  MC_TRY(auto mime, string_field(body, "mime", false, 100));
  MC_TRY(auto filename, string_field(body, "filename", false, 200));
  MC_TRY(auto f, read_resource_fields(body));
  store::Resource r;
  r.type = *type;
  r.title = *title;
  r.sha256 = *sha;
  r.tags = f.tags.value_or(std::vector<std::string>{});
  r.mime = mime.value_or("");
  r.filename = filename.value_or("");
  r.description = f.description.value_or("");
  r.access = f.access.value_or("public");
  r.shareable = f.shareable.value_or(true);
  r.share_access_seconds = f.share_access_seconds.value_or(std::nullopt);
  r.attributes = f.attributes ? json::serialize(*f.attributes) : "{}";
  MC_TRY(auto created, publish_resource(c.catalog, std::move(r), req.user().user_id));
  c.ranked.clear();
  c.pages.clear();
  spdlog::info("event=resource_published id={} type={} by={}", created.id, created.type, req.user().network_id);
  return json_response(201, {{"resource", wire::to_json(created)}});
}

// The facts of a resource that the caller must have published.
Result<store::AccessFacts> own_resource(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto facts, c.catalog.access_facts(req.path_params["id"], req.user().user_id));
  if (facts.publisher_id != req.user().user_id) {
    return Error::permission_denied("not_publisher", "only the provider that published resource '" + facts.resource.id +
                                                         "' may change it");
  }
  return facts;
}

Result<HttpResponse> update_resource(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  for (const auto& [key, v] : body) {
    static const std::set<std::string_view> kPatchable = {"title",     "description",          "tags",      "access",
                                                          "shareable", "share_access_seconds", "attributes"};
    if (!kPatchable.contains(key)) {
      return Error::invalid_argument("invalid_field", "'" + std::string(key) + "' cannot be changed by PATCH");
    }
  }
  MC_TRY(auto f, read_resource_fields(body));
  MC_TRY(auto facts, own_resource(c, req));
  store::ResourceChange change;
  change.title = f.title;
  change.description = f.description;
  change.tags = f.tags;
  change.access = f.access;
  change.shareable = f.shareable;
  change.share_access_seconds = f.share_access_seconds;
  if (f.attributes) {
    MC_TRY(change.attributes, checked_attributes(c.catalog, facts.resource.type, f.attributes, facts.resource.size));
  }
  change.updated_at = now_ms();
  MC_TRY(auto updated, c.catalog.update_resource(facts.resource.id, change));
  c.ranked.clear();
  c.pages.clear();
  spdlog::info("event=resource_updated id={} by={}", updated.id, req.user().network_id);
  return json_response(200, {{"resource", wire::to_json(updated)}});
}

Result<HttpResponse> unpublish_resource(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto facts, own_resource(c, req));
  MC_TRY(auto gone, c.catalog.unpublish_resource(facts.resource.id, now_ms()));
  c.ranked.clear();
  c.pages.clear();
  spdlog::info("event=resource_unpublished id={} by={}", gone.id, req.user().network_id);
  return json_response(200, {{"resource", wire::to_json(gone)}});
}

// A cursor names the query it continues, so that it cannot be moved to another.
std::string query_fingerprint(const store::ResourceQuery& q, const std::string& terms) {
  return sha256_hex(q.type.value_or("") + '\n' + q.tag.value_or("") + '\n' + terms + '\n' +
                    std::to_string(static_cast<int>(q.sort)))
      .substr(0, 16);
}

constexpr int kMaxRanked = 10000;
constexpr std::int64_t kSnapshotMs = 15 * 60 * 1000;

Result<HttpResponse> compute_listing(CatalogContext& c, HttpRequest& req) {
  std::optional<std::string> type;
  if (const auto* t = req.query_param("type")) {
    MC_TRY_STATUS(validate_resource_type(*t));
    type = *t;
  }
  MC_TRY(auto limit, net::query_int(req, "limit", kDefaultPage, 1, kMaxPage));
  const auto* q_param = req.query_param("q");
  const auto* sort_param = req.query_param("sort");
  const auto* cursor_param = req.query_param("cursor");
  const auto* tag_param = req.query_param("tag");
  // The first listing: publishing order after a position (kept for old clients).
  if (req.query_param("after")) {
    MC_TRY(auto after, net::query_int(req, "after", 0, 0, INT64_MAX));
    MC_TRY(auto page, c.catalog.list_resources(type, after, static_cast<int>(limit)));
    return json_response(200,
                         wire::to_json(wire::ResourcePage{std::move(page.resources), page.next_after, std::nullopt}));
  }
  store::ResourceQuery q;
  q.type = type;
  q.limit = static_cast<int>(limit);
  if (tag_param) {
    if (tag_param->empty() || tag_param->size() > 32) {
      return Error::invalid_argument("invalid_field", "tag must be 1 to 32 bytes");
    }
    q.tag = *tag_param;
  }
  if (q_param) {
    MC_TRY(auto parsed, search::parse_query(*q_param));
    q.terms = std::move(parsed.terms);
  }
  std::string sort = sort_param ? *sort_param : (q_param ? "relevance" : "new");
  if (sort == "new") q.sort = store::ResourceSort::kNew;
  else if (sort == "popular") q.sort = store::ResourceSort::kPopular;
  else if (sort == "relevance") q.sort = store::ResourceSort::kRelevance;
  else return Error::invalid_argument("invalid_sort", "sort must be new, popular or relevance");
  if (q.sort == store::ResourceSort::kRelevance && q.terms.empty()) {
    return Error::invalid_argument("invalid_sort", "sort=relevance needs a search: q");
  }
  std::string terms;  // the query as searched: " the" and "the " are one query
  for (const auto& t : q.terms) terms += t + '\n';
  std::string fingerprint = query_fingerprint(q, terms);
  auto bad_cursor = [] { return Error::invalid_argument("invalid_cursor", "the cursor is malformed or was changed"); };
  // Opened cursor: {"f": fingerprint, "b": position} (new) or {"f", "s": snapshot, "o": offset}.
  json::object cursor;
  if (cursor_param) {
    auto payload = open_token(c.cursor_key, "cursor", *cursor_param);
    if (!payload) return bad_cursor();
    boost::system::error_code ec;
    auto v = json::parse(*payload, ec);
    if (ec || !v.is_object()) return bad_cursor();
    cursor = v.as_object();
    const auto* f = cursor.if_contains("f");
    if (!f || !f->is_string() || f->as_string() != fingerprint) {
      return Error::invalid_argument("invalid_cursor", "the cursor belongs to another listing or search");
    }
  }
  json::object out;
  json::array list;
  if (q.sort == store::ResourceSort::kNew) {
    if (cursor_param) {
      const auto* b = cursor.if_contains("b");
      if (!b || !b->is_int64()) return bad_cursor();
      q.before_position = b->as_int64();
    }
    MC_TRY(auto page, c.catalog.query_new(q));
    for (const auto& r : page.resources) list.emplace_back(wire::to_json(r));
    out["resources"] = std::move(list);
    out["next_cursor"] = nullptr;
    if (page.next_after) {
      json::object next{{"f", fingerprint}, {"b", *page.next_after}};
      out["next_cursor"] = sign_token(c.cursor_key, "cursor", json::serialize(next));
    }
    return json_response(200, out);
  }
  // Ranked: the first page ranks up to kMaxRanked and keeps the ranking when
  // more pages follow, so that later pages never shift.
  std::vector<std::string> ids;
  std::string snapshot;
  std::int64_t offset = 0;
  if (cursor_param) {
    const auto* sn = cursor.if_contains("s");
    const auto* o = cursor.if_contains("o");
    if (!sn || !sn->is_string() || !o || !o->is_int64() || o->as_int64() < 0) return bad_cursor();
    snapshot = std::string(sn->as_string());
    offset = o->as_int64();
    auto kept = c.ranked.find_snapshot(snapshot, now_ms());
    if (!kept) {
      MC_TRY(kept, c.catalog.get_snapshot(snapshot, now_ms()));
    }
    if (!kept) {
      return Error::not_found("cursor_expired", "this search's later pages were kept for 15 minutes: search again");
    }
    ids = std::move(*kept);
  }
  // A first page: the ranking from this node's memory, else from the store.
  // Memory and the snapshot are written after the last read (the route may
  // start on the I/O thread and start over on a worker: router.hpp).
  auto now = now_ms();
  std::optional<RankedCache::Entry> cached;
  RankedCache::Entry entry;
  std::uint64_t ranked_generation = 0;
  if (!cursor_param) {
    ranked_generation = c.ranked.generation();
    cached = c.ranked.find(fingerprint, now);
    if (cached) {
      entry = std::move(*cached);
    } else {
      MC_TRY(auto ranked, c.catalog.query_ranked(q, kMaxRanked));
      entry.ids = std::move(ranked.ids);
      entry.until = now + RankedCache::kTtlMs;
    }
    ids = entry.ids;
  }
  auto first = std::min<std::size_t>(static_cast<std::size_t>(offset), ids.size());
  auto last = std::min<std::size_t>(first + static_cast<std::size_t>(limit), ids.size());
  MC_TRY(auto page, c.catalog.resources_by_ids({ids.begin() + first, ids.begin() + last}));
  if (!cursor_param) {
    // Stored once, when a page first needs a next one; it outlives the cache entry.
    if (last < ids.size() && entry.snapshot.empty()) {
      entry.snapshot = new_id("k_");
      c.ranked.remember_snapshot(entry.snapshot, entry.ids, now + kSnapshotMs);
      c.catalog.put_snapshot_later(entry.snapshot, entry.ids, now + kSnapshotMs, now);
      cached.reset();
    }
    snapshot = entry.snapshot;
    if (!cached) c.ranked.put(fingerprint, std::move(entry), ranked_generation);
  }
  for (const auto& r : page) list.emplace_back(wire::to_json(r));
  out["resources"] = std::move(list);
  out["next_cursor"] = nullptr;
  if (last < ids.size()) {
    json::object next{{"f", fingerprint}, {"s", snapshot}, {"o", static_cast<std::int64_t>(last)}};
    out["next_cursor"] = sign_token(c.cursor_key, "cursor", json::serialize(next));
  }
  return json_response(200, out);
}

// Listings through the page cache: the same query within a moment gets the
// same bytes, and a client holding them (If-None-Match) a 304.
Result<HttpResponse> list_resources(CatalogContext& c, HttpRequest& req) {
  // The known parameters, each length-prefixed: no value can pass for
  // another query, and unknown parameters make no new entries.
  std::string key;
  for (const char* name : {"type", "tag", "q", "sort", "cursor", "limit", "after"}) {
    const auto* v = req.query_param(name);
    key += v ? std::to_string(v->size()) + ":" + *v : "-";
    key += ';';
  }
  auto now = now_ms();
  std::uint64_t generation = c.pages.generation();
  std::optional<PageCache::Page> page = c.pages.find(key, now);
  if (!page) {
    MC_TRY(auto res, compute_listing(c, req));
    if (res.status != 200) return res;
    std::string etag = "\"" + sha256_hex(res.body).substr(0, 32) + "\"";
    page = PageCache::Page{std::move(res.body), std::move(etag), now + PageCache::kTtlMs};
    c.pages.put(key, *page, generation);
  }
  HttpResponse res;
  res.headers = {{"ETag", page->etag}, {"Cache-Control", "private, max-age=0"}};
  if (req.header("if-none-match") == page->etag) {
    res.status = 304;
    return res;
  }
  res.status = 200;
  res.body = std::move(page->body);
  return res;
}

// The record: every logged-in user sees it (a storefront lists what it
// sells), but an unpublished one only its provider.
Result<HttpResponse> get_resource(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto facts, c.catalog.access_facts(req.path_params["id"], req.user().user_id));
  if (facts.resource.gone && facts.publisher_id != req.user().user_id) {
    return Error::not_found("resource_gone", "resource '" + facts.resource.id + "' was unpublished by its provider");
  }
  if (c.signals && facts.publisher_id != req.user().user_id) {
    c.signals->record_signals_later({{req.user().user_id, facts.resource.id, "viewed", now_ms()}});
  }
  return json_response(200, {{"resource", wire::to_json(facts.resource)}});
}

// The bytes, with Range and If-Range (RFC 9110), sent with sendfile.
HttpResponse content_response(CatalogContext& c, HttpRequest& req, const store::Resource& r) {
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
  // A download counts once: when it starts at the first byte (a resume does
  // not) and asks for all of it or at least 1 MiB (a probe of a few bytes does not).
  if (req.method == "GET" && slice.offset == 0 && (slice.length == size || slice.length >= (1u << 20))) {
    server::popularity_counts().count_download(r.id);
  }
  res.file = slice;
  return res;
}

Result<HttpResponse> get_content(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto r,
         store::readable_resource(c.catalog, c.deliveries, req.path_params["id"], req.user().user_id, now_ms()));
  auto res = content_response(c, req, r);
  // A download is a signal when it counts as one (see content_response).
  if (c.signals && res.file && res.file->offset == 0 && req.method == "GET") {
    c.signals->record_signals_later({{req.user().user_id, r.id, "downloaded", now_ms()}});
  }
  return res;
}

// Grants stand in for a purchase: the provider lets one user read a restricted resource.
Result<HttpResponse> add_grant(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY(auto who, string_field(body, "network_id", true, 64));
  MC_TRY(auto facts, own_resource(c, req));
  MC_TRY(auto users, accounts::resolve_users(c.accounts, {*who}, "unknown_user"));
  MC_TRY_STATUS(c.catalog.grant(facts.resource.id, users.at(0).id, now_ms()));
  spdlog::info("event=grant_added resource={} to={} by={}", facts.resource.id, *who, req.user().network_id);
  return json_response(201, {{"resource_id", facts.resource.id}, {"network_id", *who}});
}

Result<HttpResponse> remove_grant(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto facts, own_resource(c, req));
  MC_TRY(auto users, accounts::resolve_users(c.accounts, {req.path_params["network_id"]}, "unknown_user"));
  MC_TRY(bool removed, c.catalog.revoke_grant(facts.resource.id, users.at(0).id));
  if (!removed) {
    return Error::not_found("grant_not_found", "'" + req.path_params["network_id"] + "' has no grant of resource '" +
                                                   facts.resource.id + "'");
  }
  spdlog::info("event=grant_removed resource={} from={} by={}", facts.resource.id, req.path_params["network_id"],
               req.user().network_id);
  return json_response(200, {{"resource_id", facts.resource.id}, {"network_id", req.path_params["network_id"]}});
}

Result<HttpResponse> list_grants(CatalogContext& c, HttpRequest& req) {
  MC_TRY(auto facts, own_resource(c, req));
  MC_TRY(auto names, c.catalog.list_grants(facts.resource.id));
  json::array list;
  for (const auto& n : names) list.emplace_back(n);
  return json_response(200, {{"resource_id", facts.resource.id}, {"grants", list}});
}

constexpr std::int64_t kMaxLinkSeconds = 24 * 3600;

// A link works without a token for as long as it says, and only while its
// maker may still read the resource.
Result<HttpResponse> create_link(CatalogContext& c, HttpRequest& req) {
  std::int64_t seconds = kMaxLinkSeconds;
  if (!req.body.empty()) {
    MC_TRY(auto body, parse_json_object(req.body));
    if (const auto* v = body.if_contains("expires_in")) {
      if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > kMaxLinkSeconds) {
        return Error::invalid_argument("invalid_field", "expires_in must be an integer from 1 to 86400 seconds");
      }
      seconds = v->as_int64();
    }
  }
  MC_TRY(auto r,
         store::readable_resource(c.catalog, c.deliveries, req.path_params["id"], req.user().user_id, now_ms()));
  std::int64_t expires_at = now_ms() + seconds * 1000;
  json::object payload{{"r", r.id}, {"u", req.user().user_id}, {"e", expires_at}};
  std::string token = sign_token(c.link_key, "link", json::serialize(payload));
  std::string path = "/v1/links/" + token;
  const auto& host = req.header("host");
  std::string url = host.empty() ? path : "http://" + host + path;
  return json_response(201, {{"url", url}, {"path", path}, {"expires_at", expires_at}, {"resource_id", r.id}});
}

Result<HttpResponse> follow_link(CatalogContext& c, HttpRequest& req) {
  auto invalid = [] { return Error::permission_denied("link_invalid", "this link is malformed or was changed"); };
  auto payload = open_token(c.link_key, "link", req.path_params["token"]);
  if (!payload) return invalid();
  boost::system::error_code ec;
  auto v = json::parse(*payload, ec);
  if (ec || !v.is_object()) return invalid();
  const auto& o = v.as_object();
  const auto* r = o.if_contains("r");
  const auto* u = o.if_contains("u");
  const auto* e = o.if_contains("e");
  if (!r || !r->is_string() || !u || !u->is_int64() || !e || !e->is_int64()) return invalid();
  auto now = now_ms();
  if (now >= e->as_int64()) return Error::permission_denied("link_expired", "this link expired: ask for a new one");
  auto readable = store::readable_resource(c.catalog, c.deliveries, std::string(r->as_string()), u->as_int64(), now);
  // Unpublished is gone for a link's holder, whoever made it (its provider too).
  if (readable && readable->gone) {
    return Error::not_found("resource_gone", "resource '" + readable->id + "' was unpublished by its provider");
  }
  if (!readable) {
    if (readable.error().code == "access_denied") {
      return Error::permission_denied("link_revoked",
                                      "the access this link was made with has been withdrawn (a grant or a share)");
    }
    return readable.error();
  }
  auto res = content_response(c, req, *readable);
  res.headers.emplace_back("Content-Disposition", "inline; filename=\"" + safe_filename(readable->filename) + "\"");
  res.headers.emplace_back("Cache-Control", "private, no-store");
  return res;
}

}  // namespace

void register_catalog_routes(net::Router& router, CatalogContext& c) {
  using net::Access;
  router.add_upload("POST", "/v1/blobs", Access::kProvider, [&c](HttpRequest& req) { return begin_upload(c, req); });
  router.add("POST", "/v1/resources", Access::kProvider, [&c](HttpRequest& req) { return create_resource(c, req); });
  // Inline first: a page in this node's cache is answered on the I/O thread,
  // with no hop to a worker; one that needs the store starts over on a worker.
  router.add_async(
      "GET", "/v1/resources", Access::kUser,
      [&c](HttpRequest& req, net::Responder reply) -> Status {
        MC_TRY(auto res, list_resources(c, req));
        reply(std::move(res));
        return {};
      },
      net::Router::Start::kInlineFirst);
  router.add("GET", "/v1/resources/{id}", Access::kUser, [&c](HttpRequest& req) { return get_resource(c, req); });
  router.add("GET", "/v1/resources/{id}/content", Access::kUser,
             [&c](HttpRequest& req) { return get_content(c, req); });
  router.add("GET", "/v1/blobs/{sha256}", Access::kProvider, [&c](HttpRequest& req) { return get_blob(c, req); });
  router.add("PATCH", "/v1/resources/{id}", Access::kProvider,
             [&c](HttpRequest& req) { return update_resource(c, req); });
  router.add("DELETE", "/v1/resources/{id}", Access::kProvider,
             [&c](HttpRequest& req) { return unpublish_resource(c, req); });
  router.add("GET", "/v1/resources/{id}/grants", Access::kProvider,
             [&c](HttpRequest& req) { return list_grants(c, req); });
  router.add("POST", "/v1/resources/{id}/grants", Access::kProvider,
             [&c](HttpRequest& req) { return add_grant(c, req); });
  router.add("DELETE", "/v1/resources/{id}/grants/{network_id}", Access::kProvider,
             [&c](HttpRequest& req) { return remove_grant(c, req); });
  router.add("POST", "/v1/resources/{id}/link", Access::kUser, [&c](HttpRequest& req) { return create_link(c, req); });
  router.add("GET", "/v1/links/{token}", Access::kPublic, [&c](HttpRequest& req) { return follow_link(c, req); });
}

}  // namespace mc::catalog
