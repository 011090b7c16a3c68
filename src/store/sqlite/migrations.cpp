#include "store/sqlite/migrations.hpp"

#include <array>
#include <string>

namespace mc::store::sqlite {

namespace {

// Index i holds migration i+1.
constexpr std::array<const char*, 2> kMigrations = {
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
    // 2: reliable delivery: idempotent sends, forwards, device cursors,
    // receipts, groups (docs/reliable-delivery.md).
    R"sql(
ALTER TABLE users ADD COLUMN send_receipts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE shares ADD COLUMN kind TEXT NOT NULL DEFAULT 'share';
ALTER TABLE shares ADD COLUMN client_id TEXT;
ALTER TABLE shares ADD COLUMN fingerprint TEXT;
ALTER TABLE shares ADD COLUMN parent_share_id TEXT REFERENCES shares(id);
ALTER TABLE shares ADD COLUMN chain TEXT NOT NULL DEFAULT '[]';  -- JSON: earlier senders, original first
CREATE UNIQUE INDEX shares_by_client_id ON shares(sender_id, client_id) WHERE client_id IS NOT NULL;
ALTER TABLE inbox_items ADD COLUMN delivered_at INTEGER;
ALTER TABLE inbox_items ADD COLUMN opened_at INTEGER;
ALTER TABLE inbox_items ADD COLUMN receipt_user_id INTEGER REFERENCES users(id);  -- kind 'receipt': who opened
CREATE INDEX inbox_items_by_share ON inbox_items(share_id);
CREATE TABLE device_cursors (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  device_id  TEXT NOT NULL,
  acked_seq  INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id)
) WITHOUT ROWID;
CREATE TABLE groups (
  id         INTEGER PRIMARY KEY,
  owner_id   INTEGER NOT NULL REFERENCES users(id),
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (owner_id, name)
);
CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
)sql",
};

}  // namespace

Result<int> migrate(Database& db) {
  int version = 0;
  {
    // Released before migrating: a statement left on its row would keep a
    // read transaction (and an old snapshot) open under BEGIN IMMEDIATE.
    auto stmt = db.prepare("PRAGMA user_version");
    if (!stmt) return stmt.error();
    auto row = stmt->step();
    if (!row) return row.error();
    version = static_cast<int>(stmt->int64(0));
  }
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
