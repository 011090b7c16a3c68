// SqliteCatalogStore: blobs and resources.
#include "store/sqlite/catalog_store.hpp"

#include <cmath>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/search/search_text.hpp"
#include "store/sqlite/rows.hpp"

namespace mc::store::sqlite {

const AreaSchema& catalog_schema() {
  static const AreaSchema schema{"catalog",
                                 {
                                     // 1
                                     R"sql(
CREATE TABLE blobs (
  sha256     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE resources (
  position     INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  title        TEXT NOT NULL,
  tags         TEXT NOT NULL,  -- JSON array of strings
  sha256       TEXT NOT NULL REFERENCES blobs(sha256),
  mime         TEXT NOT NULL,
  filename     TEXT NOT NULL,
  publisher_id INTEGER NOT NULL REFERENCES users(id),
  created_at   INTEGER NOT NULL
);
CREATE INDEX resources_by_type ON resources(type, position);
)sql",
                                     // 2: the resource model, search, access, popularity (docs/catalog.md).
                                     // The text index is filled by the store (index_missing_text), which
                                     // knows how to write Chinese for it.
                                     R"sql(
ALTER TABLE resources ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE resources ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE resources SET updated_at = created_at;
ALTER TABLE resources ADD COLUMN access TEXT NOT NULL DEFAULT 'public';
ALTER TABLE resources ADD COLUMN shareable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE resources ADD COLUMN share_access_seconds INTEGER;
ALTER TABLE resources ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE resources ADD COLUMN unpublished_at INTEGER;
ALTER TABLE resources ADD COLUMN popularity REAL NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX resources_by_popularity ON resources(popularity DESC, position DESC);
CREATE INDEX resources_by_sha256 ON resources(sha256);
CREATE INDEX resources_to_index ON resources(position) WHERE indexed = 0;
CREATE TABLE resource_tags (
  tag      TEXT NOT NULL,
  position INTEGER NOT NULL REFERENCES resources(position),
  PRIMARY KEY (tag, position)
) WITHOUT ROWID;
CREATE INDEX resource_tags_by_position ON resource_tags(position);
INSERT INTO resource_tags (tag, position) SELECT DISTINCT j.value, r.position FROM resources r, json_each(r.tags) j;
CREATE VIRTUAL TABLE resource_text USING fts5(title, tags, description, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE blob_owners (
  sha256  TEXT NOT NULL REFERENCES blobs(sha256),
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (sha256, user_id)
) WITHOUT ROWID;
INSERT INTO blob_owners (sha256, user_id) SELECT DISTINCT sha256, publisher_id FROM resources;
CREATE TABLE resource_grants (
  resource_id TEXT NOT NULL REFERENCES resources(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  granted_at  INTEGER NOT NULL,
  PRIMARY KEY (resource_id, user_id)
) WITHOUT ROWID;
CREATE TABLE resource_daily (
  resource_id TEXT NOT NULL REFERENCES resources(id),
  day         INTEGER NOT NULL,
  downloads   INTEGER NOT NULL,
  shares      INTEGER NOT NULL,
  PRIMARY KEY (resource_id, day)
) WITHOUT ROWID;
CREATE INDEX resource_daily_by_day ON resource_daily(day);
CREATE TABLE catalog_snapshots (
  id         TEXT PRIMARY KEY,
  ids        TEXT NOT NULL,  -- JSON array of resource ids, best first
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE catalog_secrets (
  name   TEXT PRIMARY KEY,
  secret TEXT NOT NULL  -- hex
) WITHOUT ROWID;
)sql",
                                 },
                                 {1, 1}};
  return schema;
}

const std::vector<std::string_view>& catalog_forget_user() {
  static const std::vector<std::string_view> statements = {"DELETE FROM resource_grants WHERE user_id = ?1",
                                                           "DELETE FROM blob_owners WHERE user_id = ?1"};
  return statements;
}

namespace {

std::string resource_select(const std::string& where) {
  return "SELECT " + std::string(kResourceColumns) + " FROM resources r " + kResourceJoins + " " + where;
}

std::string joined_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += t + " ";
  return out;
}

// Writes the resource's row of the text index (its rowid is the position).
Status write_text_row(Database& db, std::int64_t position, const std::string& title,
                      const std::vector<std::string>& tags, const std::string& description) {
  MC_TRY(auto del, db.prepare("DELETE FROM resource_text WHERE rowid = ?"));
  del.bind(1, position);
  MC_TRY_STATUS(del.run());
  MC_TRY(auto ins, db.prepare("INSERT INTO resource_text (rowid, title, tags, description) VALUES (?, ?, ?, ?)"));
  ins.bind(1, position).bind(2, search::index_text(title)).bind(3, search::index_text(joined_tags(tags)));
  ins.bind(4, search::index_text(description));
  MC_TRY_STATUS(ins.run());
  MC_TRY(auto mark, db.prepare("UPDATE resources SET indexed = 1 WHERE position = ?"));
  mark.bind(1, position);
  return mark.run();
}

Status write_tags(Database& db, std::int64_t position, const std::vector<std::string>& tags) {
  MC_TRY(auto del, db.prepare("DELETE FROM resource_tags WHERE position = ?"));
  del.bind(1, position);
  MC_TRY_STATUS(del.run());
  for (const auto& t : tags) {
    MC_TRY(auto ins, db.prepare("INSERT OR IGNORE INTO resource_tags (tag, position) VALUES (?, ?)"));
    ins.bind(1, t).bind(2, position);
    MC_TRY_STATUS(ins.run());
  }
  return {};
}

// The filters every listing shares, after "WHERE r.unpublished_at IS NULL";
// bind_filters binds them in the same order from parameter `i` on.
std::string filter_sql(const ResourceQuery& q, bool text) {
  std::string sql;
  if (q.type) sql += " AND r.type = ?";
  if (q.tag) sql += " AND r.position IN (SELECT position FROM resource_tags WHERE tag = ?)";
  if (text) sql += " AND r.position IN (SELECT rowid FROM resource_text WHERE resource_text MATCH ?)";
  return sql;
}

void bind_filters(Statement& st, int& i, const ResourceQuery& q, const std::string& match) {
  if (q.type) st.bind(i++, *q.type);
  if (q.tag) st.bind(i++, *q.tag);
  if (!match.empty()) st.bind(i++, match);
}

// The FTS5 expression for the query's terms: each an FTS5 string, so no
// character of what the user typed is query syntax.
std::string match_of(const ResourceQuery& q) {
  if (q.terms.empty()) return {};
  return search::fts5_match(search::SearchQuery{q.terms});
}

double day_weight(std::int64_t day) { return std::exp2(static_cast<double>(day - kPopularityEpochDay) / 7.0); }

}  // namespace

Status SqliteCatalogStore::index_missing_text() {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("SELECT position, title, tags, description FROM resources WHERE indexed = 0"));
    struct Row {
      std::int64_t position;
      std::string title, tags, description;
    };
    std::vector<Row> rows;
    for (;;) {
      MC_TRY(bool more, st.step());
      if (!more) break;
      rows.push_back(Row{st.int64(0), st.text(1), st.text(2), st.text(3)});
    }
    for (const auto& r : rows) {
      MC_TRY_STATUS(write_text_row(db, r.position, r.title, strings_from_json(r.tags), r.description));
    }
    return {};
  });
}

Status SqliteCatalogStore::put_blob(const std::string& sha256, std::int64_t size,
                                    std::optional<std::int64_t> uploader) {
  return engine_.writer().run([&](Database& db) -> Status {
    // Stored again: young again, so that gc's grace counts from now.
    MC_TRY(auto st, db.prepare("INSERT INTO blobs (sha256, size, created_at) VALUES (?, ?, ?) "
                               "ON CONFLICT (sha256) DO UPDATE SET created_at = excluded.created_at"));
    st.bind(1, sha256).bind(2, size).bind(3, now_ms());
    MC_TRY_STATUS(st.run());
    if (!uploader) return {};
    MC_TRY(auto own, db.prepare("INSERT OR IGNORE INTO blob_owners (sha256, user_id) VALUES (?, ?)"));
    own.bind(1, sha256).bind(2, *uploader);
    return own.run();
  });
}

Result<bool> SqliteCatalogStore::holds_blob(const std::string& sha256, std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT 1 FROM blob_owners WHERE sha256 = ? AND user_id = ?"));
  st.bind(1, sha256).bind(2, user_id);
  return st.step();
}

Result<std::optional<std::int64_t>> SqliteCatalogStore::blob_size(const std::string& sha256) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT size FROM blobs WHERE sha256 = ?"));
  st.bind(1, sha256);
  auto row = st.step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(st.int64(0));
}

namespace {

Status insert_resource(Database& db, const Resource& r, std::int64_t publisher_id) {
  auto ins = db.prepare(
      "INSERT INTO resources (id, type, title, tags, sha256, mime, filename, publisher_id, created_at, description, "
      "updated_at, access, shareable, share_access_seconds, attributes) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!ins) return ins.error();
  ins->bind(1, r.id).bind(2, r.type).bind(3, r.title).bind(4, strings_to_json(r.tags)).bind(5, r.sha256);
  ins->bind(6, r.mime).bind(7, r.filename).bind(8, publisher_id).bind(9, r.created_at).bind(10, r.description);
  ins->bind(11, r.created_at).bind(12, r.access).bind(13, std::int64_t{r.shareable ? 1 : 0});
  if (r.share_access_seconds) ins->bind(14, *r.share_access_seconds);
  else ins->bind_null(14);
  ins->bind(15, r.attributes);
  MC_TRY_STATUS(ins->run());
  std::int64_t position = db.last_insert_rowid();
  MC_TRY_STATUS(write_tags(db, position, r.tags));
  return write_text_row(db, position, r.title, r.tags, r.description);
}

}  // namespace

Result<Resource> SqliteCatalogStore::create_resource(const Resource& r, std::int64_t publisher_id) {
  MC_TRY_STATUS(engine_.writer().run([&](Database& db) { return insert_resource(db, r, publisher_id); }));
  return get_resource(r.id);
}

Status SqliteCatalogStore::create_resources(const std::vector<Resource>& rs, std::int64_t publisher_id) {
  return engine_.writer().run([&](Database& db) -> Status {
    for (const auto& r : rs) MC_TRY_STATUS(insert_resource(db, r, publisher_id));
    return {};
  });
}

Result<Resource> SqliteCatalogStore::get_resource(const std::string& id) {
  return resources_.lookup(id, [&]() -> Result<Resource> {
    auto db = engine_.reader();
    MC_TRY(auto st, db->prepare(resource_select("WHERE r.id = ?")));
    st.bind(1, id);
    MC_TRY_STATUS(step_one(st, "resource_not_found", "no resource with id '" + id + "'"));
    return read_resource(st, 0);
  });
}

Result<ResourcePage> SqliteCatalogStore::list_resources(const std::optional<std::string>& type, std::int64_t after,
                                                        int limit) {
  auto db = engine_.reader();
  std::string sql = resource_select("WHERE r.position > ? AND r.unpublished_at IS NULL") +
                    (type ? " AND r.type = ?" : "") + " ORDER BY r.position LIMIT ?";
  MC_TRY(auto st, db->prepare(sql));
  int i = 1;
  st.bind(i++, after);
  if (type) st.bind(i++, *type);
  st.bind(i++, static_cast<std::int64_t>(limit) + 1);  // one extra tells whether more follow
  ResourcePage page;
  std::int64_t last_position = 0;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) break;
    if (static_cast<int>(page.resources.size()) == limit) {
      page.next_after = last_position;
      break;
    }
    page.resources.push_back(read_resource(st, 0));
    last_position = st.int64(kResourcePositionColumn);
  }
  return page;
}

Result<std::int64_t> SqliteCatalogStore::count_resources() {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT count(*) FROM resources WHERE unpublished_at IS NULL"));
  auto row = st.step();
  if (!row) return row.error();
  return st.int64(0);
}

Result<Resource> SqliteCatalogStore::update_resource(const std::string& id, const ResourceChange& c) {
  auto st = engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto cur, db.prepare("SELECT position, title, tags, description FROM resources WHERE id = ?"));
    cur.bind(1, id);
    MC_TRY_STATUS(step_one(cur, "resource_not_found", "no resource with id '" + id + "'"));
    std::int64_t position = cur.int64(0);
    std::string title = c.title.value_or(cur.text(1));
    std::vector<std::string> tags = c.tags ? *c.tags : strings_from_json(cur.text(2));
    std::string description = c.description.value_or(cur.text(3));
    cur.reset();
    MC_TRY(auto up,
           db.prepare("UPDATE resources SET title = ?, tags = ?, description = ?, access = coalesce(?, access), "
                      "shareable = coalesce(?, shareable), share_access_seconds = CASE WHEN ? THEN ? ELSE "
                      "share_access_seconds END, attributes = coalesce(?, attributes), updated_at = ? WHERE id = ?"));
    up.bind(1, title).bind(2, strings_to_json(tags)).bind(3, description);
    if (c.access) up.bind(4, *c.access);
    else up.bind_null(4);
    if (c.shareable) up.bind(5, std::int64_t{*c.shareable ? 1 : 0});
    else up.bind_null(5);
    up.bind(6, std::int64_t{c.share_access_seconds ? 1 : 0});
    if (c.share_access_seconds && *c.share_access_seconds) up.bind(7, **c.share_access_seconds);
    else up.bind_null(7);
    if (c.attributes) up.bind(8, *c.attributes);
    else up.bind_null(8);
    up.bind(9, c.updated_at).bind(10, id);
    MC_TRY_STATUS(up.run());
    if (c.tags) MC_TRY_STATUS(write_tags(db, position, tags));
    if (c.title || c.tags || c.description) MC_TRY_STATUS(write_text_row(db, position, title, tags, description));
    return {};
  });
  if (!st) return st.error();
  resources_.forget(id);
  return get_resource(id);
}

Result<Resource> SqliteCatalogStore::unpublish_resource(const std::string& id, std::int64_t at) {
  auto st = engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto up, db.prepare("UPDATE resources SET unpublished_at = coalesce(unpublished_at, ?), updated_at = CASE "
                               "WHEN unpublished_at IS NULL THEN ? ELSE updated_at END WHERE id = ?"));
    up.bind(1, at).bind(2, at).bind(3, id);
    MC_TRY_STATUS(up.run());
    if (db.changes() == 0) return Error::not_found("resource_not_found", "no resource with id '" + id + "'");
    return {};
  });
  if (!st) return st.error();
  resources_.forget(id);
  return get_resource(id);
}

Result<AccessFacts> SqliteCatalogStore::access_facts(const std::string& id, std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT " + std::string(kResourceColumns) +
                              ", EXISTS (SELECT 1 FROM resource_grants g WHERE g.resource_id = r.id AND g.user_id = ?)"
                              " FROM resources r " +
                              kResourceJoins + " WHERE r.id = ?"));
  st.bind(1, user_id).bind(2, id);
  MC_TRY_STATUS(step_one(st, "resource_not_found", "no resource with id '" + id + "'"));
  AccessFacts f;
  f.resource = read_resource(st, 0);
  f.publisher_id = st.int64(kResourcePublisherIdColumn);
  f.granted = st.int64(kResourceColumnCount) != 0;
  return f;
}

Status SqliteCatalogStore::grant(const std::string& resource_id, std::int64_t user_id, std::int64_t at) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("INSERT OR IGNORE INTO resource_grants (resource_id, user_id, granted_at) "
                               "VALUES (?, ?, ?)"));
    st.bind(1, resource_id).bind(2, user_id).bind(3, at);
    return st.run();
  });
}

Result<bool> SqliteCatalogStore::revoke_grant(const std::string& resource_id, std::int64_t user_id) {
  return engine_.writer().run_for<bool>([&](Database& db) -> Result<bool> {
    MC_TRY(auto st, db.prepare("DELETE FROM resource_grants WHERE resource_id = ? AND user_id = ?"));
    st.bind(1, resource_id).bind(2, user_id);
    MC_TRY_STATUS(st.run());
    return db.changes() > 0;
  });
}

Result<std::vector<std::string>> SqliteCatalogStore::list_grants(const std::string& resource_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT u.network_id FROM resource_grants g JOIN users u ON u.id = g.user_id "
                              "WHERE g.resource_id = ? ORDER BY u.network_id"));
  st.bind(1, resource_id);
  return first_column(st);
}

Result<ResourcePage> SqliteCatalogStore::query_new(const ResourceQuery& q) {
  std::string match = match_of(q);
  auto db = engine_.reader();
  std::string sql = resource_select("WHERE r.unpublished_at IS NULL") + filter_sql(q, !match.empty()) +
                    (q.before_position ? " AND r.position < ?" : "") + " ORDER BY r.position DESC LIMIT ?";
  MC_TRY(auto st, db->prepare(sql));
  int i = 1;
  bind_filters(st, i, q, match);
  if (q.before_position) st.bind(i++, *q.before_position);
  st.bind(i++, static_cast<std::int64_t>(q.limit) + 1);
  ResourcePage page;
  std::int64_t last_position = 0;
  for (;;) {
    MC_TRY(bool more, st.step());
    if (!more) break;
    if (static_cast<int>(page.resources.size()) == q.limit) {
      page.next_after = last_position;
      break;
    }
    page.resources.push_back(read_resource(st, 0));
    last_position = st.int64(kResourcePositionColumn);
  }
  return page;
}

Result<RankedIds> SqliteCatalogStore::query_ranked(const ResourceQuery& q, int max_ranked) {
  std::string match = match_of(q);
  auto db = engine_.reader();
  std::string sql;
  if (q.sort == ResourceSort::kRelevance && !match.empty()) {
    // bm25 is lower for better matches; title weighs most, then tags.
    sql =
        "SELECT r.id FROM resource_text JOIN resources r ON r.position = resource_text.rowid "
        "WHERE resource_text MATCH ? AND r.unpublished_at IS NULL" +
        filter_sql(ResourceQuery{q.type, q.tag, {}, q.sort, {}, 0}, false) +
        " ORDER BY bm25(resource_text, 10.0, 3.0, 1.0), r.position DESC LIMIT ?";
  } else {
    sql = "SELECT r.id FROM resources r WHERE r.unpublished_at IS NULL" + filter_sql(q, !match.empty()) +
          " ORDER BY r.popularity DESC, r.position DESC LIMIT ?";
  }
  MC_TRY(auto st, db->prepare(sql));
  int i = 1;
  if (q.sort == ResourceSort::kRelevance && !match.empty()) {
    st.bind(i++, match);
    bind_filters(st, i, ResourceQuery{q.type, q.tag, {}, q.sort, {}, 0}, {});
  } else {
    bind_filters(st, i, q, match);
  }
  st.bind(i++, static_cast<std::int64_t>(max_ranked));
  MC_TRY(auto ids, first_column(st));
  return RankedIds{std::move(ids)};
}

Result<std::vector<Resource>> SqliteCatalogStore::resources_by_ids(const std::vector<std::string>& ids) {
  std::vector<Resource> out;
  if (ids.empty()) return out;
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(resource_select("WHERE r.id IN (SELECT value FROM json_each(?)) AND "
                                              "r.unpublished_at IS NULL")));
  st.bind(1, strings_to_json(ids));
  std::unordered_map<std::string, Resource> found;
  for (;;) {
    MC_TRY(bool more, st.step());
    if (!more) break;
    auto r = read_resource(st, 0);
    found.emplace(r.id, std::move(r));
  }
  for (const auto& id : ids) {
    if (auto it = found.find(id); it != found.end()) out.push_back(std::move(it->second));
  }
  return out;
}

Status SqliteCatalogStore::put_snapshot(const std::string& id, const std::vector<std::string>& ids,
                                        std::int64_t expires_at, std::int64_t now) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto old, db.prepare("DELETE FROM catalog_snapshots WHERE expires_at <= ?"));
    old.bind(1, now);
    MC_TRY_STATUS(old.run());
    MC_TRY(auto st, db.prepare("INSERT INTO catalog_snapshots (id, ids, expires_at) VALUES (?, ?, ?)"));
    st.bind(1, id).bind(2, strings_to_json(ids)).bind(3, expires_at);
    return st.run();
  });
}

void SqliteCatalogStore::put_snapshot_later(const std::string& id, std::vector<std::string> ids,
                                            std::int64_t expires_at, std::int64_t now) {
  engine_.writer().submit(
      [id, ids = std::move(ids), expires_at, now](Database& db) -> Status {
        MC_TRY(auto old, db.prepare("DELETE FROM catalog_snapshots WHERE expires_at <= ?"));
        old.bind(1, now);
        MC_TRY_STATUS(old.run());
        MC_TRY(auto st, db.prepare("INSERT OR REPLACE INTO catalog_snapshots (id, ids, expires_at) VALUES (?, ?, ?)"));
        st.bind(1, id).bind(2, strings_to_json(ids)).bind(3, expires_at);
        return st.run();
      },
      [](Status) {});
}

Result<std::optional<std::vector<std::string>>> SqliteCatalogStore::get_snapshot(const std::string& id,
                                                                                 std::int64_t now) {
  using Out = std::optional<std::vector<std::string>>;
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT ids FROM catalog_snapshots WHERE id = ? AND expires_at > ?"));
  st.bind(1, id).bind(2, now);
  MC_TRY(bool found, st.step());
  if (!found) return Out{};
  return Out(strings_from_json(st.text(0)));
}

Result<std::string> SqliteCatalogStore::secret(const std::string& name) {
  {
    auto db = engine_.reader();
    MC_TRY(auto st, db->prepare("SELECT secret FROM catalog_secrets WHERE name = ?"));
    st.bind(1, name);
    MC_TRY(bool found, st.step());
    if (found) return st.text(0);
  }
  return engine_.writer().run_for<std::string>([&](Database& db) -> Result<std::string> {
    MC_TRY(auto ins, db.prepare("INSERT OR IGNORE INTO catalog_secrets (name, secret) VALUES (?, ?)"));
    ins.bind(1, name).bind(2, to_hex(random_bytes(32)));
    MC_TRY_STATUS(ins.run());
    MC_TRY(auto st, db.prepare("SELECT secret FROM catalog_secrets WHERE name = ?"));
    st.bind(1, name);
    MC_TRY_STATUS(step_one(st, "secret_missing", "the catalog secret was not stored"));
    return st.text(0);
  });
}

Status SqliteCatalogStore::add_popularity(const std::vector<PopularityCount>& counts) {
  if (counts.empty()) return {};
  return engine_.writer().run([&](Database& db) -> Status {
    for (const auto& c : counts) {
      MC_TRY(auto day,
             db.prepare("INSERT INTO resource_daily (resource_id, day, downloads, shares) "
                        "SELECT id, ?, ?, ? FROM resources WHERE id = ? ON CONFLICT (resource_id, day) DO UPDATE "
                        "SET downloads = downloads + excluded.downloads, shares = shares + excluded.shares"));
      day.bind(1, c.day).bind(2, c.downloads).bind(3, c.shares).bind(4, c.resource_id);
      MC_TRY_STATUS(day.run());
      MC_TRY(auto up, db.prepare("UPDATE resources SET popularity = popularity + ? WHERE id = ?"));
      up.bind_real(1, static_cast<double>(c.downloads + c.shares) * day_weight(c.day)).bind(2, c.resource_id);
      MC_TRY_STATUS(up.run());
    }
    return {};
  });
}

Status SqliteCatalogStore::expire_popularity(std::int64_t first_day) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto ids, db.prepare("SELECT DISTINCT resource_id FROM resource_daily WHERE day < ?"));
    ids.bind(1, first_day);
    MC_TRY(auto touched, first_column(ids));
    ids.reset();
    MC_TRY(auto del, db.prepare("DELETE FROM resource_daily WHERE day < ?"));
    del.bind(1, first_day);
    MC_TRY_STATUS(del.run());
    for (const auto& id : touched) {
      MC_TRY(auto days, db.prepare("SELECT day, downloads + shares FROM resource_daily WHERE resource_id = ?"));
      days.bind(1, id);
      double score = 0;
      for (;;) {
        MC_TRY(bool more, days.step());
        if (!more) break;
        score += static_cast<double>(days.int64(1)) * day_weight(days.int64(0));
      }
      days.reset();
      MC_TRY(auto up, db.prepare("UPDATE resources SET popularity = ? WHERE id = ?"));
      up.bind_real(1, score).bind(2, id);
      MC_TRY_STATUS(up.run());
    }
    return {};
  });
}

Result<std::vector<std::string>> SqliteCatalogStore::unreferenced_blobs(std::int64_t older_than, int limit) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT b.sha256 FROM blobs b WHERE b.created_at < ? AND NOT EXISTS "
                              "(SELECT 1 FROM resources r WHERE r.sha256 = b.sha256) LIMIT ?"));
  st.bind(1, older_than).bind(2, static_cast<std::int64_t>(limit));
  return first_column(st);
}

Status SqliteCatalogStore::delete_blobs(const std::vector<std::string>& sha256s) {
  return engine_.writer().run([&](Database& db) -> Status {
    for (const auto& sha : sha256s) {
      // Only while still unreferenced: a publish may have named it since.
      MC_TRY(auto owners, db.prepare("DELETE FROM blob_owners WHERE sha256 = ? AND NOT EXISTS "
                                     "(SELECT 1 FROM resources r WHERE r.sha256 = blob_owners.sha256)"));
      owners.bind(1, sha);
      MC_TRY_STATUS(owners.run());
      MC_TRY(auto st, db.prepare("DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS "
                                 "(SELECT 1 FROM resources r WHERE r.sha256 = blobs.sha256)"));
      st.bind(1, sha);
      MC_TRY_STATUS(st.run());
    }
    return {};
  });
}

}  // namespace mc::store::sqlite
