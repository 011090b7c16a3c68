// PgCatalogStore: blobs and resources on PostgreSQL.
#include <boost/json.hpp>
#include <cmath>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/search/search_text.hpp"
#include "store/postgres/pg_stores.hpp"

namespace mc::store::postgres {

const PgSchema& catalog_schema() {
  static const PgSchema schema{"catalog",
                               {
                                   R"sql(
CREATE TABLE blobs (
  sha256     TEXT PRIMARY KEY,
  size       BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE resources (
  position     BIGSERIAL PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  title        TEXT NOT NULL,
  tags         TEXT NOT NULL,  -- JSON array of strings
  sha256       TEXT NOT NULL REFERENCES blobs(sha256),
  mime         TEXT NOT NULL,
  filename     TEXT NOT NULL,
  publisher_id BIGINT NOT NULL REFERENCES users(id),
  created_at   BIGINT NOT NULL
);
CREATE INDEX resources_by_type ON resources(type, position);
)sql",
                                   // 2: the resource model, search, access, popularity (docs/catalog.md).
                                   // `search` is filled by the store (index_missing_text), which knows how
                                   // to write Chinese for it.
                                   R"sql(
ALTER TABLE resources ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE resources ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE resources SET updated_at = created_at;
ALTER TABLE resources ADD COLUMN access TEXT NOT NULL DEFAULT 'public';
ALTER TABLE resources ADD COLUMN shareable BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE resources ADD COLUMN share_access_seconds BIGINT;
ALTER TABLE resources ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE resources ADD COLUMN unpublished_at BIGINT;
ALTER TABLE resources ADD COLUMN popularity DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN search TSVECTOR;
CREATE INDEX resources_by_popularity ON resources(popularity DESC, position DESC);
CREATE INDEX resources_by_sha256 ON resources(sha256);
CREATE INDEX resources_search ON resources USING GIN (search);
CREATE INDEX resources_to_index ON resources(position) WHERE search IS NULL;  -- a start finds none to index at once
CREATE TABLE resource_tags (
  tag      TEXT NOT NULL,
  position BIGINT NOT NULL REFERENCES resources(position),
  PRIMARY KEY (tag, position)
);
CREATE INDEX resource_tags_by_position ON resource_tags(position);
INSERT INTO resource_tags (tag, position)
  SELECT DISTINCT j.value, r.position FROM resources r, json_array_elements_text(r.tags::json) j;
CREATE TABLE blob_owners (
  sha256  TEXT NOT NULL REFERENCES blobs(sha256),
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (sha256, user_id)
);
INSERT INTO blob_owners (sha256, user_id) SELECT DISTINCT sha256, publisher_id FROM resources;
CREATE TABLE resource_grants (
  resource_id TEXT NOT NULL REFERENCES resources(id),
  user_id     BIGINT NOT NULL REFERENCES users(id),
  granted_at  BIGINT NOT NULL,
  PRIMARY KEY (resource_id, user_id)
);
CREATE TABLE resource_daily (
  resource_id TEXT NOT NULL REFERENCES resources(id),
  day         BIGINT NOT NULL,
  downloads   BIGINT NOT NULL,
  shares      BIGINT NOT NULL,
  PRIMARY KEY (resource_id, day)
);
CREATE INDEX resource_daily_by_day ON resource_daily(day);
CREATE TABLE catalog_snapshots (
  id         TEXT PRIMARY KEY,
  ids        TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE catalog_secrets (
  name   TEXT PRIMARY KEY,
  secret TEXT NOT NULL
);
)sql",
                               }};
  return schema;
}

const std::vector<std::string_view>& catalog_forget_user() {
  static const std::vector<std::string_view> statements = {"DELETE FROM resource_grants WHERE user_id = $1",
                                                           "DELETE FROM blob_owners WHERE user_id = $1"};
  return statements;
}

Resource read_resource(const Rows& rows, int r, int c) {
  Resource out;
  out.id = rows.text(r, c);
  out.type = rows.text(r, c + 1);
  out.title = rows.text(r, c + 2);
  out.tags = strings_from_json(rows.text(r, c + 3));
  out.sha256 = rows.text(r, c + 4);
  out.size = rows.int64(r, c + 5);
  out.mime = rows.text(r, c + 6);
  out.filename = rows.text(r, c + 7);
  out.publisher = rows.text(r, c + 8);
  out.created_at = rows.int64(r, c + 9);
  out.description = rows.text(r, c + 11);
  out.updated_at = rows.int64(r, c + 12);
  out.access = rows.text(r, c + 13);
  out.shareable = rows.boolean(r, c + 14);
  if (!rows.is_null(r, c + 15)) out.share_access_seconds = rows.int64(r, c + 15);
  out.attributes = rows.text(r, c + 16);
  out.gone = !rows.is_null(r, c + 17);
  return out;
}

Status PgCatalogStore::put_blob(const std::string& sha256, std::int64_t size, std::optional<std::int64_t> uploader) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(
        c.query("INSERT INTO blobs (sha256, size, created_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (sha256) DO UPDATE SET created_at = excluded.created_at",
                {sha256, std::to_string(size), std::to_string(now_ms())}));
    if (uploader) {
      MC_TRY_STATUS(c.query("INSERT INTO blob_owners (sha256, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                            {sha256, std::to_string(*uploader)}));
    }
    return {};
  });
}

Result<bool> PgCatalogStore::holds_blob(const std::string& sha256, std::int64_t user_id) {
  return e_.read<bool>([&](pg::Connection& c) -> Result<bool> {
    MC_TRY(auto rows,
           c.query("SELECT 1 FROM blob_owners WHERE sha256 = $1 AND user_id = $2", {sha256, std::to_string(user_id)}));
    return !rows.empty();
  });
}

Result<std::optional<std::int64_t>> PgCatalogStore::blob_size(const std::string& sha256) {
  using Out = std::optional<std::int64_t>;
  return e_.read<Out>([&](pg::Connection& c) -> Result<Out> {
    MC_TRY(auto rows, c.query("SELECT size FROM blobs WHERE sha256 = $1", {sha256}));
    if (rows.empty()) return Out{};
    return Out(rows.int64(0, 0));
  });
}

namespace {

std::string resource_select(const std::string& where) {
  return std::string("SELECT ") + kResourceColumns + " FROM resources r " + kResourceJoins + " " + where;
}

std::string joined_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += t + " ";
  return out;
}

// The text vector: title weighs most (A), then tags (B), then the description (C).
constexpr const char* kSearchVector =
    "setweight(to_tsvector('simple', $1), 'A') || setweight(to_tsvector('simple', $2), 'B') || "
    "setweight(to_tsvector('simple', $3), 'C')";

Status write_search(pg::Connection& c, const std::string& id, const std::string& title,
                    const std::vector<std::string>& tags, const std::string& description) {
  MC_TRY_STATUS(
      c.query(std::string("UPDATE resources SET search = ") + kSearchVector + " WHERE id = $4",
              {search::index_text(title), search::index_text(joined_tags(tags)), search::index_text(description), id}));
  return {};
}

Status write_tags(pg::Connection& c, const std::string& id, const std::vector<std::string>& tags) {
  MC_TRY_STATUS(
      c.query("DELETE FROM resource_tags WHERE position = (SELECT position FROM resources WHERE id = $1)", {id}));
  MC_TRY_STATUS(
      c.query("INSERT INTO resource_tags (tag, position) SELECT DISTINCT t, r.position FROM resources r, "
              "unnest($2::text[]) t WHERE r.id = $1 ON CONFLICT DO NOTHING",
              {id, pg::text_array(tags)}));
  return {};
}

// Filters after "WHERE r.unpublished_at IS NULL", numbering parameters from
// params.size() + 1; each term is one phraseto_tsquery, so nothing the user
// typed is query syntax.
std::string filters(const ResourceQuery& q, std::vector<Param>& params, std::string* tsquery_out = nullptr) {
  std::string sql;
  auto next = [&](std::string v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  };
  if (q.type) sql += " AND r.type = " + next(*q.type);
  if (q.tag) sql += " AND r.position IN (SELECT position FROM resource_tags WHERE tag = " + next(*q.tag) + ")";
  if (!q.terms.empty()) {
    std::string tsq;
    for (const auto& t : q.terms) {
      if (!tsq.empty()) tsq += " && ";
      // One CJK character is a prefix of the bigrams it starts (search_text.hpp);
      // it holds no other character, so no tsquery syntax.
      if (search::is_single_cjk_character(t)) tsq += "to_tsquery('simple', " + next(t) + " || ':*')";
      else tsq += "phraseto_tsquery('simple', " + next(t) + ")";
    }
    tsq = "(" + tsq + ")";
    sql += " AND r.search @@ " + tsq;
    if (tsquery_out) *tsquery_out = tsq;
  }
  return sql;
}

double day_weight(std::int64_t day) { return std::exp2(static_cast<double>(day - kPopularityEpochDay) / 7.0); }

std::string str(std::int64_t v) { return std::to_string(v); }

}  // namespace

Status PgCatalogStore::index_missing_text() {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto rows, c.query("SELECT id, title, tags, description FROM resources WHERE search IS NULL"));
    for (int i = 0; i < rows.size(); ++i) {
      MC_TRY_STATUS(
          write_search(c, rows.text(i, 0), rows.text(i, 1), strings_from_json(rows.text(i, 2)), rows.text(i, 3)));
    }
    return {};
  });
}

namespace {

Status insert_resource(pg::Connection& c, const Resource& r, std::int64_t publisher_id) {
  MC_TRY_STATUS(c.query(
      "INSERT INTO resources (id, type, title, tags, sha256, mime, filename, publisher_id, created_at, description, "
      "updated_at, access, shareable, share_access_seconds, attributes) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11, $12, $13, $14)",
      {r.id, r.type, r.title, strings_to_json(r.tags), r.sha256, r.mime, r.filename, str(publisher_id),
       str(r.created_at), r.description, r.access, std::string(r.shareable ? "true" : "false"),
       r.share_access_seconds ? Param(str(*r.share_access_seconds)) : Param(), r.attributes}));
  MC_TRY_STATUS(write_tags(c, r.id, r.tags));
  return write_search(c, r.id, r.title, r.tags, r.description);
}

}  // namespace

Result<Resource> PgCatalogStore::create_resource(const Resource& r, std::int64_t publisher_id) {
  MC_TRY_STATUS(e_.transact_status([&](pg::Connection& c) { return insert_resource(c, r, publisher_id); }));
  return get_resource(r.id);
}

Status PgCatalogStore::create_resources(const std::vector<Resource>& rs, std::int64_t publisher_id) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    for (const auto& r : rs) MC_TRY_STATUS(insert_resource(c, r, publisher_id));
    return {};
  });
}

Result<Resource> PgCatalogStore::get_resource(const std::string& id) {
  return resources_.lookup(id, [&] {
    return e_.read<Resource>([&](pg::Connection& c) -> Result<Resource> {
      MC_TRY(auto rows, c.query(resource_select("WHERE r.id = $1"), {id}));
      if (rows.empty()) return Error::not_found("resource_not_found", "no resource with id '" + id + "'");
      return read_resource(rows, 0, 0);
    });
  });
}

Result<ResourcePage> PgCatalogStore::list_resources(const std::optional<std::string>& type, std::int64_t after,
                                                    int limit) {
  return e_.read<ResourcePage>([&](pg::Connection& c) -> Result<ResourcePage> {
    std::string sql = resource_select("WHERE r.position > $1 AND r.unpublished_at IS NULL") +
                      (type ? " AND r.type = $3" : "") + " ORDER BY r.position LIMIT $2";
    std::vector<Param> params = {str(after), str(limit + 1)};
    if (type) params.push_back(*type);
    MC_TRY(auto rows, c.query(sql, params));
    ResourcePage page;
    for (int i = 0; i < rows.size(); ++i) {
      if (i == limit) {
        page.next_after = rows.int64(i - 1, kResourcePositionColumn);
        break;
      }
      page.resources.push_back(read_resource(rows, i, 0));
    }
    return page;
  });
}

Result<std::int64_t> PgCatalogStore::count_resources() {
  return e_.read<std::int64_t>([&](pg::Connection& c) -> Result<std::int64_t> {
    MC_TRY(auto rows, c.query("SELECT count(*) FROM resources WHERE unpublished_at IS NULL"));
    return rows.int64(0, 0);
  });
}

Result<Resource> PgCatalogStore::update_resource(const std::string& id, const ResourceChange& ch) {
  MC_TRY_STATUS(e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto cur, c.query("SELECT title, tags, description FROM resources WHERE id = $1 FOR UPDATE", {id}));
    if (cur.empty()) return Error::not_found("resource_not_found", "no resource with id '" + id + "'");
    std::string title = ch.title.value_or(cur.text(0, 0));
    std::vector<std::string> tags = ch.tags ? *ch.tags : strings_from_json(cur.text(0, 1));
    std::string description = ch.description.value_or(cur.text(0, 2));
    Param access = ch.access ? Param(*ch.access) : Param();
    Param shareable = ch.shareable ? Param(*ch.shareable ? "true" : "false") : Param();
    Param seconds =
        ch.share_access_seconds && *ch.share_access_seconds ? Param(str(**ch.share_access_seconds)) : Param();
    MC_TRY_STATUS(
        c.query("UPDATE resources SET title = $1, tags = $2, description = $3, access = coalesce($4, access), "
                "shareable = coalesce($5::boolean, shareable), share_access_seconds = CASE WHEN $6::boolean THEN "
                "$7::bigint ELSE share_access_seconds END, attributes = coalesce($8, attributes), updated_at = $9 "
                "WHERE id = $10",
                {title, strings_to_json(tags), description, access, shareable,
                 std::string(ch.share_access_seconds ? "true" : "false"), seconds,
                 ch.attributes ? Param(*ch.attributes) : Param(), str(ch.updated_at), id}));
    if (ch.tags) MC_TRY_STATUS(write_tags(c, id, tags));
    if (ch.title || ch.tags || ch.description) MC_TRY_STATUS(write_search(c, id, title, tags, description));
    return {};
  }));
  resources_.forget(id);
  return get_resource(id);
}

Result<Resource> PgCatalogStore::unpublish_resource(const std::string& id, std::int64_t at) {
  MC_TRY_STATUS(e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto rows, c.query("UPDATE resources SET unpublished_at = coalesce(unpublished_at, $1), updated_at = CASE "
                              "WHEN unpublished_at IS NULL THEN $1 ELSE updated_at END WHERE id = $2",
                              {str(at), id}));
    if (rows.affected() == 0) return Error::not_found("resource_not_found", "no resource with id '" + id + "'");
    return {};
  }));
  resources_.forget(id);
  return get_resource(id);
}

Result<AccessFacts> PgCatalogStore::access_facts(const std::string& id, std::int64_t user_id) {
  return e_.read<AccessFacts>([&](pg::Connection& c) -> Result<AccessFacts> {
    MC_TRY(auto rows, c.query(std::string("SELECT ") + kResourceColumns +
                                  ", EXISTS (SELECT 1 FROM resource_grants g WHERE g.resource_id = r.id AND "
                                  "g.user_id = $2) FROM resources r " +
                                  kResourceJoins + " WHERE r.id = $1",
                              {id, str(user_id)}));
    if (rows.empty()) return Error::not_found("resource_not_found", "no resource with id '" + id + "'");
    AccessFacts f;
    f.resource = read_resource(rows, 0, 0);
    f.publisher_id = rows.int64(0, kResourcePublisherIdColumn);
    f.granted = rows.boolean(0, kResourceColumnCount);
    return f;
  });
}

Status PgCatalogStore::grant(const std::string& resource_id, std::int64_t user_id, std::int64_t at) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(
        c.query("INSERT INTO resource_grants (resource_id, user_id, granted_at) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING",
                {resource_id, str(user_id), str(at)}));
    return {};
  });
}

Result<bool> PgCatalogStore::revoke_grant(const std::string& resource_id, std::int64_t user_id) {
  return e_.transact<bool>([&](pg::Connection& c) -> Result<bool> {
    MC_TRY(auto rows,
           c.query("DELETE FROM resource_grants WHERE resource_id = $1 AND user_id = $2", {resource_id, str(user_id)}));
    return rows.affected() > 0;
  });
}

Result<std::vector<std::string>> PgCatalogStore::list_grants(const std::string& resource_id) {
  using Out = std::vector<std::string>;
  return e_.read<Out>([&](pg::Connection& c) -> Result<Out> {
    MC_TRY(auto rows, c.query("SELECT u.network_id FROM resource_grants g JOIN users u ON u.id = g.user_id "
                              "WHERE g.resource_id = $1 ORDER BY u.network_id",
                              {resource_id}));
    Out out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(rows.text(i, 0));
    return out;
  });
}

Result<ResourcePage> PgCatalogStore::query_new(const ResourceQuery& q) {
  return e_.read<ResourcePage>([&](pg::Connection& c) -> Result<ResourcePage> {
    std::vector<Param> params;
    std::string sql = resource_select("WHERE r.unpublished_at IS NULL") + filters(q, params);
    if (q.before_position) {
      params.push_back(str(*q.before_position));
      sql += " AND r.position < $" + std::to_string(params.size());
    }
    params.push_back(str(q.limit + 1));
    sql += " ORDER BY r.position DESC LIMIT $" + std::to_string(params.size());
    MC_TRY(auto rows, c.query(sql, params));
    ResourcePage page;
    for (int i = 0; i < rows.size(); ++i) {
      if (i == q.limit) {
        page.next_after = rows.int64(i - 1, kResourcePositionColumn);
        break;
      }
      page.resources.push_back(read_resource(rows, i, 0));
    }
    return page;
  });
}

Result<RankedIds> PgCatalogStore::query_ranked(const ResourceQuery& q, int max_ranked) {
  return e_.read<RankedIds>([&](pg::Connection& c) -> Result<RankedIds> {
    std::vector<Param> params;
    std::string tsq;
    std::string sql = "SELECT r.id FROM resources r WHERE r.unpublished_at IS NULL" + filters(q, params, &tsq);
    params.push_back(str(max_ranked));
    std::string limit = " LIMIT $" + std::to_string(params.size());
    if (q.sort == ResourceSort::kRelevance && !tsq.empty()) {
      // Weights for D, C, B, A: the description, tags, title.
      sql += " ORDER BY ts_rank_cd('{0.1, 0.1, 0.3, 1.0}', r.search, " + tsq + ") DESC, r.position DESC" + limit;
    } else {
      sql += " ORDER BY r.popularity DESC, r.position DESC" + limit;
    }
    MC_TRY(auto rows, c.query(sql, params));
    RankedIds out;
    for (int i = 0; i < rows.size(); ++i) out.ids.push_back(rows.text(i, 0));
    return out;
  });
}

Result<std::vector<Resource>> PgCatalogStore::resources_by_ids(const std::vector<std::string>& ids) {
  using Out = std::vector<Resource>;
  if (ids.empty()) return Out{};
  return e_.read<Out>([&](pg::Connection& c) -> Result<Out> {
    MC_TRY(auto rows, c.query(resource_select("WHERE r.id = ANY($1::text[]) AND r.unpublished_at IS NULL"),
                              {pg::text_array(ids)}));
    std::unordered_map<std::string, Resource> found;
    for (int i = 0; i < rows.size(); ++i) {
      auto r = read_resource(rows, i, 0);
      found.emplace(r.id, std::move(r));
    }
    Out out;
    for (const auto& id : ids) {
      if (auto it = found.find(id); it != found.end()) out.push_back(std::move(it->second));
    }
    return out;
  });
}

Status PgCatalogStore::put_snapshot(const std::string& id, const std::vector<std::string>& ids, std::int64_t expires_at,
                                    std::int64_t now) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(c.query("DELETE FROM catalog_snapshots WHERE expires_at <= $1", {str(now)}));
    MC_TRY_STATUS(c.query("INSERT INTO catalog_snapshots (id, ids, expires_at) VALUES ($1, $2, $3)",
                          {id, strings_to_json(ids), str(expires_at)}));
    return {};
  });
}

void PgCatalogStore::put_snapshot_later(const std::string& id, std::vector<std::string> ids, std::int64_t expires_at,
                                        std::int64_t now) {
  e_.submit([this, id, ids = std::move(ids), expires_at, now] { (void)put_snapshot(id, ids, expires_at, now); });
}

Result<std::optional<std::vector<std::string>>> PgCatalogStore::get_snapshot(const std::string& id, std::int64_t now) {
  using Out = std::optional<std::vector<std::string>>;
  return e_.read<Out>([&](pg::Connection& c) -> Result<Out> {
    MC_TRY(auto rows, c.query("SELECT ids FROM catalog_snapshots WHERE id = $1 AND expires_at > $2", {id, str(now)}));
    if (rows.empty()) return Out{};
    return Out(strings_from_json(rows.text(0, 0)));
  });
}

Result<std::string> PgCatalogStore::secret(const std::string& name) {
  return e_.transact<std::string>([&](pg::Connection& c) -> Result<std::string> {
    MC_TRY_STATUS(c.query("INSERT INTO catalog_secrets (name, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                          {name, to_hex(random_bytes(32))}));
    MC_TRY(auto rows, c.query("SELECT secret FROM catalog_secrets WHERE name = $1", {name}));
    return rows.text(0, 0);
  });
}

Status PgCatalogStore::add_popularity(const std::vector<PopularityCount>& counts) {
  if (counts.empty()) return {};
  return e_.transact_status([&](pg::Connection& c) -> Status {
    for (const auto& n : counts) {
      MC_TRY_STATUS(c.query(
          "INSERT INTO resource_daily (resource_id, day, downloads, shares) SELECT id, $2, $3, $4 FROM resources "
          "WHERE id = $1 ON CONFLICT (resource_id, day) DO UPDATE SET downloads = resource_daily.downloads + "
          "excluded.downloads, shares = resource_daily.shares + excluded.shares",
          {n.resource_id, str(n.day), str(n.downloads), str(n.shares)}));
      MC_TRY_STATUS(
          c.query("UPDATE resources SET popularity = popularity + $2::double precision WHERE id = $1",
                  {n.resource_id, std::to_string(static_cast<double>(n.downloads + n.shares) * day_weight(n.day))}));
    }
    return {};
  });
}

Status PgCatalogStore::expire_popularity(std::int64_t first_day) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto ids, c.query("SELECT DISTINCT resource_id FROM resource_daily WHERE day < $1", {str(first_day)}));
    MC_TRY_STATUS(c.query("DELETE FROM resource_daily WHERE day < $1", {str(first_day)}));
    for (int i = 0; i < ids.size(); ++i) {
      MC_TRY(auto days,
             c.query("SELECT day, downloads + shares FROM resource_daily WHERE resource_id = $1", {ids.text(i, 0)}));
      double score = 0;
      for (int d = 0; d < days.size(); ++d) {
        score += static_cast<double>(days.int64(d, 1)) * day_weight(days.int64(d, 0));
      }
      MC_TRY_STATUS(c.query("UPDATE resources SET popularity = $2::double precision WHERE id = $1",
                            {ids.text(i, 0), std::to_string(score)}));
    }
    return {};
  });
}

Result<std::vector<std::string>> PgCatalogStore::unreferenced_blobs(std::int64_t older_than, int limit) {
  using Out = std::vector<std::string>;
  return e_.read<Out>([&](pg::Connection& c) -> Result<Out> {
    MC_TRY(auto rows, c.query("SELECT b.sha256 FROM blobs b WHERE b.created_at < $1 AND NOT EXISTS "
                              "(SELECT 1 FROM resources r WHERE r.sha256 = b.sha256) LIMIT $2",
                              {str(older_than), str(limit)}));
    Out out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(rows.text(i, 0));
    return out;
  });
}

Status PgCatalogStore::delete_blobs(const std::vector<std::string>& sha256s) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(
        c.query("DELETE FROM blob_owners WHERE sha256 = ANY($1::text[]) AND NOT EXISTS "
                "(SELECT 1 FROM resources r WHERE r.sha256 = blob_owners.sha256)",
                {pg::text_array(sha256s)}));
    MC_TRY_STATUS(
        c.query("DELETE FROM blobs WHERE sha256 = ANY($1::text[]) AND NOT EXISTS "
                "(SELECT 1 FROM resources r WHERE r.sha256 = blobs.sha256)",
                {pg::text_array(sha256s)}));
    return {};
  });
}

}  // namespace mc::store::postgres
