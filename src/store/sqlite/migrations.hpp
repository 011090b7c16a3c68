// Numbered schema migrations, applied in order at start. A migration, once
// released, is never edited: a change to the schema is a new entry.
#pragma once

#include "core/error.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace mc::store::sqlite {

// Applies every migration newer than the database's user_version, each in
// its own transaction. Returns the version reached.
Result<int> migrate(Database& db);

}  // namespace mc::store::sqlite
