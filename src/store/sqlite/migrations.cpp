#include "store/sqlite/migrations.hpp"

#include <array>
#include <string>

namespace mc::store::sqlite {

namespace {

// Index i holds migration i+1.
constexpr std::array<const char*, 1> kMigrations = {
    // 1: accounts, sessions, catalog, shares and inboxes.
    R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  network_id    TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('user', 'provider')),
  created_at    INTEGER NOT NULL,
  inbox_head    INTEGER NOT NULL DEFAULT 0  -- seq of the newest inbox item
);
CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  device_id  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
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
CREATE TABLE shares (
  id          TEXT PRIMARY KEY,
  sender_id   INTEGER NOT NULL REFERENCES users(id),
  resource_id TEXT NOT NULL REFERENCES resources(id),
  note        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE inbox_items (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  seq        INTEGER NOT NULL,
  id         TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL,
  share_id   TEXT REFERENCES shares(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;
)sql",
};

}  // namespace

Result<int> migrate(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  int version = static_cast<int>(stmt->int64(0));
  if (version > static_cast<int>(kMigrations.size())) {
    return Error::internal("the database has schema version " + std::to_string(version) +
                           ", newer than this msgcenterd knows (" + std::to_string(kMigrations.size()) + ")");
  }
  for (int v = version; v < static_cast<int>(kMigrations.size()); ++v) {
    Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    if (auto st = db.exec(kMigrations[v]); !st) return st.error();
    if (auto st = db.exec("PRAGMA user_version = " + std::to_string(v + 1)); !st) return st.error();
    if (auto st = tx.commit(); !st) return st.error();
  }
  return static_cast<int>(kMigrations.size());
}

}  // namespace mc::store::sqlite
