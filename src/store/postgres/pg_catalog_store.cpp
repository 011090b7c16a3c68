// PgCatalogStore: blobs and resources on PostgreSQL.
#include <boost/json.hpp>

#include "core/clock.hpp"
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
                               }};
  return schema;
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
  return out;
}

Status PgCatalogStore::put_blob(const std::string& sha256, std::int64_t size) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(c.query("INSERT INTO blobs (sha256, size, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                          {sha256, std::to_string(size), std::to_string(now_ms())}));
    return {};
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

Result<Resource> PgCatalogStore::create_resource(const Resource& r, std::int64_t publisher_id) {
  MC_TRY_STATUS(e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(
        c.query("INSERT INTO resources (id, type, title, tags, sha256, mime, filename, publisher_id, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                {r.id, r.type, r.title, strings_to_json(r.tags), r.sha256, r.mime, r.filename,
                 std::to_string(publisher_id), std::to_string(r.created_at)}));
    return {};
  }));
  return get_resource(r.id);
}

Result<Resource> PgCatalogStore::get_resource(const std::string& id) {
  return resources_.lookup(id, [&] {
    return e_.read<Resource>([&](pg::Connection& c) -> Result<Resource> {
      MC_TRY(auto rows, c.query(std::string("SELECT ") + kResourceColumns + " FROM resources r " + kResourceJoins +
                                    " WHERE r.id = $1",
                                {id}));
      if (rows.empty()) return Error::not_found("resource_not_found", "no resource with id '" + id + "'");
      return read_resource(rows, 0, 0);
    });
  });
}

Result<ResourcePage> PgCatalogStore::list_resources(const std::optional<std::string>& type, std::int64_t after,
                                                    int limit) {
  return e_.read<ResourcePage>([&](pg::Connection& c) -> Result<ResourcePage> {
    std::string sql = std::string("SELECT ") + kResourceColumns + " FROM resources r " + kResourceJoins +
                      " WHERE r.position > $1" + (type ? " AND r.type = $3" : "") + " ORDER BY r.position LIMIT $2";
    std::vector<Param> params = {std::to_string(after), std::to_string(limit + 1)};
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
    MC_TRY(auto rows, c.query("SELECT count(*) FROM resources"));
    return rows.int64(0, 0);
  });
}

}  // namespace mc::store::postgres
