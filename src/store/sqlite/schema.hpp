// Per-area schema migrations. Each area store of the embedded backend owns
// its tables and a numbered list of migrations; the database records each
// area's version in `schema_versions`. A migration, once released, is never
// edited: a change to an area's schema is a new entry in its list.
//
// Before areas had their own lists, one list numbered in PRAGMA
// user_version held them all (versions 1 and 2). Those statements now sit in
// the areas' lists, split by table, and a database of that age is mapped to
// the area versions it already has (legacy_versions).
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "sqlite/database.hpp"

namespace mc::store::sqlite {

struct AreaSchema {
  std::string_view area;                     // "accounts", "catalog", ...
  std::vector<std::string_view> migrations;  // index i holds version i+1
  // The area's version in a database at old user_version 1 and 2.
  std::array<int, 2> legacy_versions{0, 0};
};

// Applies every migration newer than each area's recorded version, each in
// its own transaction, in the order the areas are given. Errors: kInternal
// when the database is newer than this program (an area's version, or an
// area this program does not know).
Status migrate(mc::sqlite::Database& db, const std::vector<const AreaSchema*>& schemas);

}  // namespace mc::store::sqlite
