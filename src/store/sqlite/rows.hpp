// Internal to store/sqlite/: the column lists and row readers that several
// queries share, so that a record is read one way everywhere.
#pragma once

#include <string>
#include <vector>

#include "sqlite/database.hpp"
#include "store/records.hpp"
#include "store/string_list_json.hpp"

namespace mc::store::sqlite {

using mc::sqlite::Statement;

inline constexpr const char* kUserColumns = "id, network_id, password_hash, role, created_at, send_receipts";
User read_user(const Statement& st, int first_col);

// Columns and joins that produce a Resource aliased r, read by read_resource;
// column 10 is the resource's publishing position, and its publisher's user
// id the last.
inline constexpr const char* kResourceColumns =
    "r.id, r.type, r.title, r.tags, r.sha256, b.size, r.mime, r.filename, p.network_id, r.created_at, r.position, "
    "r.description, r.updated_at, r.access, r.shareable, r.share_access_seconds, r.attributes, r.unpublished_at, "
    "r.publisher_id";
inline constexpr int kResourcePositionColumn = 10;
inline constexpr int kResourcePublisherIdColumn = 18;
inline constexpr int kResourceColumnCount = 19;
inline constexpr const char* kResourceJoins =
    "JOIN blobs b ON b.sha256 = r.sha256 JOIN users p ON p.id = r.publisher_id";
// The same, for rows that may have no resource (its columns are then NULL).
inline constexpr const char* kResourceLeftJoins =
    "LEFT JOIN blobs b ON b.sha256 = r.sha256 LEFT JOIN users p ON p.id = r.publisher_id";
Resource read_resource(const Statement& st, int first_col);

// Every row's first column, as text.
Result<std::vector<std::string>> first_column(Statement& st);

// Runs a statement that yields one row; kNotFound `code` if it yields none.
Status step_one(Statement& st, const char* code, const std::string& message);

}  // namespace mc::store::sqlite
