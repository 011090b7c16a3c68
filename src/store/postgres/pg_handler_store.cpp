// PgHandlerStore: the handler store's keys and versions on PostgreSQL.
#include "core/clock.hpp"
#include "store/postgres/pg_stores.hpp"

namespace mc::store::postgres {

const PgSchema& handlers_schema() {
  static const PgSchema schema{"handlers",
                               {
                                   R"sql(
CREATE TABLE handler_keys (
  key_id     TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  added_at   BIGINT NOT NULL
);
CREATE TABLE handler_versions (
  name         TEXT NOT NULL,
  version      TEXT NOT NULL,
  kinds        TEXT NOT NULL,
  mimes        TEXT NOT NULL,
  entry        TEXT NOT NULL,
  min_client   TEXT NOT NULL,
  description  TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  size         BIGINT NOT NULL,
  key_id       TEXT NOT NULL REFERENCES handler_keys(key_id),
  publisher_id BIGINT NOT NULL REFERENCES users(id),
  published_at BIGINT NOT NULL,
  position     BIGSERIAL,
  PRIMARY KEY (name, version)
);
)sql",
                               }};
  return schema;
}

namespace {

constexpr const char* kVersionColumns =
    "h.name, h.version, h.kinds, h.mimes, h.entry, h.min_client, h.description, h.sha256, h.size, h.key_id, "
    "u.network_id, h.published_at FROM handler_versions h JOIN users u ON u.id = h.publisher_id";

HandlerVersion read_version(const Rows& rows, int i) {
  HandlerVersion v;
  v.name = rows.text(i, 0);
  v.version = rows.text(i, 1);
  v.kinds = strings_from_json(rows.text(i, 2));
  v.mimes = strings_from_json(rows.text(i, 3));
  v.entry = rows.text(i, 4);
  v.min_client = rows.text(i, 5);
  v.description = rows.text(i, 6);
  v.sha256 = rows.text(i, 7);
  v.size = rows.int64(i, 8);
  v.key_id = rows.text(i, 9);
  v.publisher = rows.text(i, 10);
  v.published_at = rows.int64(i, 11);
  return v;
}

Result<HandlerVersion> load_version(pg::Connection& c, const std::string& name, const std::string& version) {
  MC_TRY(auto rows,
         c.query(std::string("SELECT ") + kVersionColumns + " WHERE h.name = $1 AND h.version = $2", {name, version}));
  if (rows.empty()) return Error::not_found("handler_not_found", "no handler " + name + " " + version);
  return read_version(rows, 0);
}

}  // namespace

Result<HandlerKey> PgHandlerStore::add_key(const std::string& key_id, const std::string& public_key_hex) {
  return e_.transact<HandlerKey>([&](pg::Connection& c) -> Result<HandlerKey> {
    HandlerKey k{key_id, public_key_hex, now_ms()};
    auto r = c.query("INSERT INTO handler_keys (key_id, public_key, added_at) VALUES ($1, $2, $3)",
                     {k.key_id, k.public_key, std::to_string(k.added_at)});
    if (!r) {
      if (r.error().is(ErrorKind::kAlreadyExists)) {
        return Error::already_exists("handler_key_exists", "the key " + key_id + " is already registered");
      }
      return r.error();
    }
    return k;
  });
}

Result<std::vector<HandlerKey>> PgHandlerStore::list_keys() {
  return e_.read<std::vector<HandlerKey>>([&](pg::Connection& c) -> Result<std::vector<HandlerKey>> {
    MC_TRY(auto rows,
           c.query("SELECT key_id, public_key, added_at FROM handler_keys ORDER BY added_at, key_id COLLATE \"C\"",
                   {}));
    std::vector<HandlerKey> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(HandlerKey{rows.text(i, 0), rows.text(i, 1), rows.int64(i, 2)});
    return out;
  });
}

Result<HandlerVersion> PgHandlerStore::add_version(const HandlerVersion& v, std::int64_t publisher_id) {
  return e_.transact<HandlerVersion>([&](pg::Connection& c) -> Result<HandlerVersion> {
    auto r = c.query(
        "INSERT INTO handler_versions (name, version, kinds, mimes, entry, min_client, description, sha256, size, "
        "key_id, publisher_id, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        {v.name, v.version, strings_to_json(v.kinds), strings_to_json(v.mimes), v.entry, v.min_client, v.description,
         v.sha256, std::to_string(v.size), v.key_id, std::to_string(publisher_id), std::to_string(v.published_at)});
    if (!r) {
      if (r.error().is(ErrorKind::kAlreadyExists)) {
        return Error::already_exists("handler_version_exists",
                                     "handler " + v.name + " " + v.version + " is already published");
      }
      return r.error();
    }
    return load_version(c, v.name, v.version);
  });
}

Result<HandlerVersion> PgHandlerStore::get_version(const std::string& name, const std::string& version) {
  return e_.read<HandlerVersion>([&](pg::Connection& c) { return load_version(c, name, version); });
}

Result<std::vector<HandlerVersion>> PgHandlerStore::list_versions() {
  return e_.read<std::vector<HandlerVersion>>([&](pg::Connection& c) -> Result<std::vector<HandlerVersion>> {
    MC_TRY(auto rows,
           c.query(std::string("SELECT ") + kVersionColumns + " ORDER BY h.name COLLATE \"C\", h.position", {}));
    std::vector<HandlerVersion> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(read_version(rows, i));
    return out;
  });
}

}  // namespace mc::store::postgres
