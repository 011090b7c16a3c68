// SqliteHandlerStore: the handler store's keys and versions.
#include "store/sqlite/handler_store.hpp"

#include "core/clock.hpp"
#include "store/sqlite/rows.hpp"

namespace mc::store::sqlite {

const AreaSchema& handlers_schema() {
  static const AreaSchema schema{"handlers",
                                 {
                                     // 1
                                     R"sql(
CREATE TABLE handler_keys (
  key_id     TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  added_at   INTEGER NOT NULL
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
  size         INTEGER NOT NULL,
  key_id       TEXT NOT NULL REFERENCES handler_keys(key_id),
  publisher_id INTEGER NOT NULL REFERENCES users(id),
  published_at INTEGER NOT NULL,
  position     INTEGER NOT NULL,
  PRIMARY KEY (name, version)
);
)sql",
                                 },
                                 {}};
  return schema;
}

namespace {

constexpr const char* kVersionColumns =
    "h.name, h.version, h.kinds, h.mimes, h.entry, h.min_client, h.description, h.sha256, h.size, h.key_id, "
    "u.network_id, h.published_at FROM handler_versions h JOIN users u ON u.id = h.publisher_id";

HandlerVersion read_version(const Statement& st) {
  HandlerVersion v;
  v.name = st.text(0);
  v.version = st.text(1);
  v.kinds = strings_from_json(st.text(2));
  v.mimes = strings_from_json(st.text(3));
  v.entry = st.text(4);
  v.min_client = st.text(5);
  v.description = st.text(6);
  v.sha256 = st.text(7);
  v.size = st.int64(8);
  v.key_id = st.text(9);
  v.publisher = st.text(10);
  v.published_at = st.int64(11);
  return v;
}

Result<HandlerVersion> load_version(Database& db, const std::string& name, const std::string& version) {
  MC_TRY(auto st, db.prepare(std::string("SELECT ") + kVersionColumns + " WHERE h.name = ? AND h.version = ?"));
  st.bind(1, name).bind(2, version);
  MC_TRY_STATUS(step_one(st, "handler_not_found", "no handler " + name + " " + version));
  return read_version(st);
}

}  // namespace

Result<HandlerKey> SqliteHandlerStore::add_key(const std::string& key_id, const std::string& public_key_hex) {
  return engine_.writer().run_for<HandlerKey>([&](Database& db) -> Result<HandlerKey> {
    HandlerKey k{key_id, public_key_hex, now_ms()};
    MC_TRY(auto st, db.prepare("INSERT INTO handler_keys (key_id, public_key, added_at) VALUES (?, ?, ?)"));
    st.bind(1, k.key_id).bind(2, k.public_key).bind(3, k.added_at);
    if (auto r = st.run(); !r) {
      if (r.error().is(ErrorKind::kAlreadyExists)) {
        return Error::already_exists("handler_key_exists", "the key " + key_id + " is already registered");
      }
      return r.error();
    }
    return k;
  });
}

Result<std::vector<HandlerKey>> SqliteHandlerStore::list_keys() {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT key_id, public_key, added_at FROM handler_keys ORDER BY added_at, key_id"));
  std::vector<HandlerKey> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) break;
    out.push_back(HandlerKey{st.text(0), st.text(1), st.int64(2)});
  }
  return out;
}

Result<HandlerVersion> SqliteHandlerStore::add_version(const HandlerVersion& v, std::int64_t publisher_id) {
  return engine_.writer().run_for<HandlerVersion>([&](Database& db) -> Result<HandlerVersion> {
    MC_TRY(auto st,
           db.prepare("INSERT INTO handler_versions (name, version, kinds, mimes, entry, min_client, description, "
                      "sha256, size, key_id, publisher_id, published_at, position) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                      "(SELECT coalesce(max(position), 0) + 1 FROM handler_versions))"));
    st.bind(1, v.name).bind(2, v.version).bind(3, strings_to_json(v.kinds)).bind(4, strings_to_json(v.mimes));
    st.bind(5, v.entry).bind(6, v.min_client).bind(7, v.description).bind(8, v.sha256).bind(9, v.size);
    st.bind(10, v.key_id).bind(11, publisher_id).bind(12, v.published_at);
    if (auto r = st.run(); !r) {
      if (r.error().is(ErrorKind::kAlreadyExists)) {
        return Error::already_exists("handler_version_exists",
                                     "handler " + v.name + " " + v.version + " is already published");
      }
      return r.error();
    }
    return load_version(db, v.name, v.version);
  });
}

Result<HandlerVersion> SqliteHandlerStore::get_version(const std::string& name, const std::string& version) {
  auto db = engine_.reader();
  return load_version(*db, name, version);
}

Result<std::vector<HandlerVersion>> SqliteHandlerStore::list_versions() {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT ") + kVersionColumns + " ORDER BY h.name, h.position"));
  std::vector<HandlerVersion> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) break;
    out.push_back(read_version(st));
  }
  return out;
}

}  // namespace mc::store::sqlite
