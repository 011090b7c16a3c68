// SqliteCatalogStore: blobs and resources.
#include "store/sqlite/catalog_store.hpp"

#include "core/clock.hpp"
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
                                 },
                                 {1, 1}};
  return schema;
}

Status SqliteCatalogStore::put_blob(const std::string& sha256, std::int64_t size) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("INSERT OR IGNORE INTO blobs (sha256, size, created_at) VALUES (?, ?, ?)"));
    st.bind(1, sha256).bind(2, size).bind(3, now_ms());
    return st.run();
  });
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

Result<Resource> SqliteCatalogStore::create_resource(const Resource& r, std::int64_t publisher_id) {
  auto st = engine_.writer().run([&](Database& db) -> Status {
    auto ins = db.prepare(
        "INSERT INTO resources (id, type, title, tags, sha256, mime, filename, publisher_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return ins.error();
    ins->bind(1, r.id).bind(2, r.type).bind(3, r.title).bind(4, strings_to_json(r.tags)).bind(5, r.sha256);
    ins->bind(6, r.mime).bind(7, r.filename).bind(8, publisher_id).bind(9, r.created_at);
    return ins->run();
  });
  if (!st) return st.error();
  return get_resource(r.id);
}

Result<Resource> SqliteCatalogStore::get_resource(const std::string& id) {
  return resources_.lookup(id, [&]() -> Result<Resource> {
    auto db = engine_.reader();
    MC_TRY(auto st, db->prepare("SELECT " + std::string(kResourceColumns) + " FROM resources r " + kResourceJoins +
                                " WHERE r.id = ?"));
    st.bind(1, id);
    MC_TRY_STATUS(step_one(st, "resource_not_found", "no resource with id '" + id + "'"));
    return read_resource(st, 0);
  });
}

Result<ResourcePage> SqliteCatalogStore::list_resources(const std::optional<std::string>& type, std::int64_t after,
                                                        int limit) {
  auto db = engine_.reader();
  std::string sql = "SELECT " + std::string(kResourceColumns) + " FROM resources r " + kResourceJoins +
                    " WHERE r.position > ?" + (type ? " AND r.type = ?" : "") + " ORDER BY r.position LIMIT ?";
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
  MC_TRY(auto st, db->prepare("SELECT count(*) FROM resources"));
  auto row = st.step();
  if (!row) return row.error();
  return st.int64(0);
}

}  // namespace mc::store::sqlite
