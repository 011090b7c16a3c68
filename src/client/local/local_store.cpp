#include "client/local/local_store.hpp"

#include <filesystem>

#include "sqlite/database.hpp"

namespace mc::client {

using mc::sqlite::Database;
using mc::sqlite::Transaction;

LocalStore::LocalStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
LocalStore::~LocalStore() = default;

Result<std::unique_ptr<LocalStore>> LocalStore::open(const std::string& home, const std::string& network_id) {
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec) return Error::failed_precondition("cannot_write_file", "cannot create " + home + ": " + ec.message());
  MC_TRY(auto db, Database::open(home + "/inbox-" + network_id + ".db"));
  auto st = (db)->exec(
      "CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS items_by_seq ON items(seq);"
      "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
      "INSERT OR IGNORE INTO state (key, value) VALUES ('cursor', 0);");
  if (!st) return st.error();
  return std::unique_ptr<LocalStore>(new LocalStore(std::move(db)));
}

Result<bool> LocalStore::store_item(const std::string& id, std::int64_t seq, const std::string& json) {
  Transaction tx(*db_);
  if (!tx.begun()) return tx.begun().error();
  MC_TRY(auto ins, db_->prepare("INSERT OR IGNORE INTO items (id, seq, json) VALUES (?, ?, ?)"));
  ins.bind(1, id).bind(2, seq).bind(3, json);
  MC_TRY_STATUS(ins.run());
  bool fresh = db_->changes() > 0;
  auto cur = db_->prepare("UPDATE state SET value = max(value, ?) WHERE key = 'cursor'");
  if (!cur) return cur.error();
  cur->bind(1, seq);
  MC_TRY_STATUS(cur->run());
  MC_TRY_STATUS(tx.commit());
  return fresh;
}

Result<std::int64_t> LocalStore::cursor() {
  MC_TRY(auto st, db_->prepare("SELECT value FROM state WHERE key = 'cursor'"));
  auto row = st.step();
  if (!row) return row.error();
  return *row ? st.int64(0) : std::int64_t{0};
}

Result<std::optional<std::string>> LocalStore::item_json(const std::string& id) {
  MC_TRY(auto st, db_->prepare("SELECT json FROM items WHERE id = ?"));
  st.bind(1, id);
  MC_TRY(bool row, st.step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.text(0));
}

}  // namespace mc::client
