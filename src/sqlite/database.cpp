#include "sqlite/database.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <mutex>

namespace mc::sqlite {

namespace {
Error db_error(sqlite3* db, std::string_view what) {
  return Error::internal("storage error (" + std::string(what) + "): " + sqlite3_errmsg(db));
}
}  // namespace

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}
Statement& Statement::bind(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_blob(int index, std::string_view v) {
  sqlite3_bind_blob(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::bind_real(int index, double v) {
  sqlite3_bind_double(stmt_, index, v);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if (rc == SQLITE_CONSTRAINT) {
    // A taken key is "already exists"; a broken reference or check is not.
    int ext = sqlite3_extended_errcode(db_);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Error::already_exists("constraint", sqlite3_errmsg(db_));
    }
    return Error::failed_precondition("constraint", sqlite3_errmsg(db_));
  }
  return db_error(db_, "step");
}

Status Statement::run() {
  MC_TRY_STATUS(step());
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  // SQLite keeps memory statistics under one process-wide mutex by default:
  // every allocation on every connection took it, and with several threads
  // reading and one writing, perf showed them waking each other on it. It
  // must be set before SQLite initialises; if something initialised it
  // first, the call fails harmlessly and the statistics stay on.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Error::internal("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_busy_timeout(raw, 10000);
  // FULL, not NORMAL: NORMAL in WAL mode survives a process crash but may lose
  // the last commits on power loss, and a 2xx must mean durable.
  // No mmap: in WAL mode a reader that finds the database changed since its
  // last read unmaps its whole mapping (sqlite3OsUnfetch in
  // pagerBeginReadTransaction). With commits hundreds of times a second that
  // was a munmap, a TLB shootdown on every core and fresh page faults on
  // almost every read (seen in perf).
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    MC_TRY_STATUS(db->exec(pragma));
  }
  return db;
}

Database::~Database() {
  cache_.clear();  // finalize every statement before the connection closes
  sqlite3_close_v2(db_);
}

Status Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    return Error::internal("storage error: " + msg);
  }
  return {};
}

StatementLease::~StatementLease() {
  if (!st_) return;
  st_->reset();
  if (in_use_) *in_use_ = false;
}

Result<std::unique_ptr<Statement>> Database::prepare_new(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    return db_error(db_, "prepare");
  }
  return std::make_unique<Statement>(db_, stmt);
}

Result<StatementLease> Database::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return StatementLease(it->second.stmt.get(), &it->second.in_use);
  }
  MC_TRY(auto fresh, prepare_new(sql));
  if (it != cache_.end()) return StatementLease(std::move(fresh));  // nested use of the same SQL
  auto& slot = cache_[std::string(sql)];
  slot.stmt = std::move(fresh);
  slot.in_use = true;
  return StatementLease(slot.stmt.get(), &slot.in_use);
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::string Database::last_error() const { return sqlite3_errmsg(db_); }

Transaction::Transaction(Database& db) : db_(db), begun_(db.exec("BEGIN IMMEDIATE")) { open_ = begun_.ok(); }

Transaction::~Transaction() {
  if (open_) (void)db_.exec("ROLLBACK");
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

Status Transaction::commit() {
  auto st = db_.exec("COMMIT");
  if (st) open_ = false;
  return st;
}

Status Database::backup_to(const std::string& path) {
  if (::access(path.c_str(), F_OK) == 0) return Error::already_exists("file_exists", path + " exists");
  MC_TRY(auto dest, Database::open(path));
  // One step for the whole database: one read transaction, which in WAL
  // mode does not block the server's writers. (Small steps would restart
  // from the first page whenever another connection writes between them,
  // which a busy server always does.)
  sqlite3_backup* b = sqlite3_backup_init(dest->db_, "main", db_, "main");
  if (!b) return Error::internal("backup: " + std::string(sqlite3_errmsg(dest->db_)));
  int rc;
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
  } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    dest.reset();
    ::unlink(path.c_str());  // no half copy left to be mistaken for a backup
    return Error::internal("backup: " + std::string(sqlite3_errstr(rc)));
  }
  // Fold the copy's WAL into its file, so that one file is the backup.
  return dest->exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace mc::sqlite
