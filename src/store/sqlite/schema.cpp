#include "store/sqlite/schema.hpp"

#include <map>
#include <string>

namespace mc::store::sqlite {

using mc::sqlite::Database;
using mc::sqlite::Transaction;

namespace {

// PRAGMA user_version of a database whose areas keep their own versions.
// Older programs read it as "newer than I know" and refuse to open it.
constexpr int kPerAreaMarker = 1000;

Result<int> user_version(Database& db) {
  // Released before migrating: a statement left on its row would keep a
  // read transaction (and an old snapshot) open under BEGIN IMMEDIATE.
  MC_TRY(auto st, db.prepare("PRAGMA user_version"));
  MC_TRY_STATUS(st.step());
  return static_cast<int>(st.int64(0));
}

Result<std::map<std::string, int, std::less<>>> recorded_versions(Database& db) {
  std::map<std::string, int, std::less<>> out;
  MC_TRY(auto st, db.prepare("SELECT area, version FROM schema_versions"));
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) break;
    out[st.text(0)] = static_cast<int>(st.int64(1));
  }
  return out;
}

Status set_version(Database& db, std::string_view area, int version) {
  MC_TRY(auto st, db.prepare("INSERT INTO schema_versions (area, version) VALUES (?, ?) "
                             "ON CONFLICT (area) DO UPDATE SET version = excluded.version"));
  st.bind(1, area).bind(2, static_cast<std::int64_t>(version));
  return st.run();
}

// Creates schema_versions; a database from before per-area versions gets
// each area's version from its old user_version.
Status adopt(Database& db, const std::vector<const AreaSchema*>& schemas) {
  MC_TRY(int legacy, user_version(db));
  if (legacy == kPerAreaMarker) return {};
  if (legacy > 2) {
    return Error::internal("the database has schema version " + std::to_string(legacy) +
                           ", which this msgcenterd does not know");
  }
  Transaction tx(db);
  MC_TRY_STATUS(tx.begun());
  MC_TRY_STATUS(
      db.exec("CREATE TABLE schema_versions (area TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID"));
  if (legacy > 0) {
    for (const auto* s : schemas) {
      int v = s->legacy_versions[static_cast<std::size_t>(legacy - 1)];
      if (v > 0) MC_TRY_STATUS(set_version(db, s->area, v));
    }
  }
  MC_TRY_STATUS(db.exec("PRAGMA user_version = " + std::to_string(kPerAreaMarker)));
  return tx.commit();
}

}  // namespace

Status migrate(Database& db, const std::vector<const AreaSchema*>& schemas) {
  MC_TRY_STATUS(adopt(db, schemas));
  MC_TRY(auto recorded, recorded_versions(db));
  for (const auto& [area, version] : recorded) {
    bool known = false;
    for (const auto* s : schemas) known = known || s->area == area;
    if (!known) return Error::internal("the database has tables of area '" + area + "', unknown to this msgcenterd");
  }
  for (const auto* s : schemas) {
    auto it = recorded.find(s->area);
    int have = it == recorded.end() ? 0 : it->second;
    int want = static_cast<int>(s->migrations.size());
    if (have > want) {
      return Error::internal("the database has " + std::string(s->area) + " schema version " + std::to_string(have) +
                             ", newer than this msgcenterd knows (" + std::to_string(want) + ")");
    }
    for (int v = have; v < want; ++v) {
      Transaction tx(db);
      MC_TRY_STATUS(tx.begun());
      MC_TRY_STATUS(db.exec(s->migrations[static_cast<std::size_t>(v)]));
      MC_TRY_STATUS(set_version(db, s->area, v + 1));
      MC_TRY_STATUS(tx.commit());
    }
  }
  return {};
}

}  // namespace mc::store::sqlite
