#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/clock.hpp"
#include "core/may_block.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/write_queue.hpp"

namespace mc::store::sqlite {

SqliteStore::ReaderLease::ReaderLease(SqliteStore& s, std::unique_ptr<Database> db) : s_(s), db_(std::move(db)) {}

SqliteStore::ReaderLease::~ReaderLease() {
  std::lock_guard lk(s_.readers_mu_);
  s_.idle_readers_.push_back(std::move(db_));
  s_.readers_cv_.notify_one();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, int readers) {
  std::unique_ptr<SqliteStore> s(new SqliteStore());
  auto w = Database::open(path);
  if (!w) return w.error();
  if (auto v = migrate(**w); !v) return v.error();
  if (auto st = (*w)->exec("PRAGMA wal_autocheckpoint=0"); !st) return st.error();
  s->writer_ = std::make_unique<WriteQueue>(std::move(w.value()));
  auto c = Database::open(path);
  if (!c) return c.error();
  s->checkpointer_db_ = std::move(*c);
  s->checkpointer_ = std::thread([p = s.get()] { p->checkpoint_loop(); });
  for (int i = 0; i < readers; ++i) {
    auto r = Database::open(path);
    if (!r) return r.error();
    s->idle_readers_.push_back(std::move(r.value()));
  }
  return s;
}

SqliteStore::~SqliteStore() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lk(checkpoint_mu_);
      stopping_ = true;
    }
    checkpoint_cv_.notify_all();
    checkpointer_.join();
  }
}

void SqliteStore::checkpoint_loop() {
  std::unique_lock lk(checkpoint_mu_);
  while (!stopping_) {
    checkpoint_cv_.wait_for(lk, std::chrono::milliseconds(500), [&] { return stopping_; });
    if (stopping_) break;
    lk.unlock();
    // PASSIVE never blocks the writer or readers; it copies what it can.
    (void)checkpointer_db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    lk.lock();
  }
}

SqliteStore::ReaderLease SqliteStore::lease_reader() {
  may_block();  // a read may wait for the disk, and for a free connection
  std::unique_lock lk(readers_mu_);
  readers_cv_.wait(lk, [&] { return !idle_readers_.empty(); });
  auto db = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return ReaderLease(*this, std::move(db));
}

void SqliteStore::flush_writes() {
  // The queue is FIFO and a group's completions run before the next group
  // starts: once this empty job is answered, all before it were too.
  (void)writer_->run([](Database&) { return Status{}; });
}

std::uint64_t SqliteStore::write_groups() const { return writer_->groups_committed(); }
std::uint64_t SqliteStore::write_jobs() const { return writer_->jobs_run(); }

// ---- accounts --------------------------------------------------------------

Result<User> SqliteStore::create_user(const std::string& network_id, const std::string& password_hash,
                                      const std::string& role) {
  return writer_->run_for<User>([&](Database& db) -> Result<User> {
    auto st = db.prepare("INSERT INTO users (network_id, password_hash, role, created_at) VALUES (?, ?, ?, ?) "
                         "RETURNING " + std::string(kUserColumns));
    if (!st) return st.error();
    st->bind(1, network_id).bind(2, password_hash).bind(3, role).bind(4, now_ms());
    auto row = st->step();
    if (!row) {
      if (row.error().is(ErrorKind::kAlreadyExists)) {
        return Error::already_exists("network_id_taken", "the network ID '" + network_id + "' is taken");
      }
      return row.error();
    }
    User u = read_user(*st, 0);
    if (auto done = st->step(); !done) return done.error();  // run the statement to its end
    return u;
  });
}

Status SqliteStore::create_users(const std::vector<std::string>& network_ids, const std::string& password_hash,
                                 const std::string& role) {
  return writer_->run([&](Database& db) -> Status {
    auto st = db.prepare("INSERT INTO users (network_id, password_hash, role, created_at) VALUES (?, ?, ?, ?)");
    if (!st) return st.error();
    std::int64_t now = now_ms();
    for (const auto& id : network_ids) {
      st->reset();
      st->bind(1, id).bind(2, password_hash).bind(3, role).bind(4, now);
      if (auto s = st->run(); !s) {
        if (s.error().is(ErrorKind::kAlreadyExists)) return Error::already_exists("network_id_taken", "the network ID '" + id + "' is taken");
        return s;
      }
    }
    return {};
  });
}

Result<User> SqliteStore::find_user(std::string_view network_id) {
  auto db = lease_reader();
  auto st = db->prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE network_id = ?");
  if (!st) return st.error();
  st->bind(1, network_id);
  if (auto s = step_one(*st, "user_not_found", "no user '" + std::string(network_id) + "'"); !s) return s.error();
  return read_user(*st, 0);
}

Result<std::vector<User>> SqliteStore::find_users(const std::vector<std::string>& network_ids) {
  // 500 names to a statement: a share to 10,000 users looks them up in 20
  // queries, not 10,000.
  constexpr std::size_t kChunk = 500;
  auto db = lease_reader();
  std::vector<User> out;
  out.reserve(network_ids.size());
  for (std::size_t i = 0; i < network_ids.size(); i += kChunk) {
    std::size_t n = std::min(kChunk, network_ids.size() - i);
    std::string marks = "?";
    for (std::size_t k = 1; k < n; ++k) marks += ", ?";
    auto st = db->prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE network_id IN (" + marks + ")");
    if (!st) return st.error();
    for (std::size_t k = 0; k < n; ++k) st->bind(static_cast<int>(k + 1), network_ids[i + k]);
    for (;;) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(read_user(*st, 0));
    }
  }
  return out;
}

Result<std::vector<UserRef>> SqliteStore::find_user_refs(const std::vector<std::string>& network_ids) {
  std::vector<UserRef> out;
  std::vector<std::string> missing;
  std::unordered_set<std::string> seen;  // each name answered once, cached or not
  {
    std::lock_guard lk(user_cache_mu_);
    for (const auto& n : network_ids) {
      if (!seen.insert(n).second) continue;
      if (auto it = user_cache_.find(n); it != user_cache_.end()) out.push_back(UserRef{it->second, n});
      else missing.push_back(n);
    }
  }
  if (missing.empty()) return out;
  auto found = find_users(missing);
  if (!found) return found.error();
  std::unordered_map<std::string, std::int64_t> dropped;  // freed after the lock, not under it
  std::lock_guard lk(user_cache_mu_);
  if (user_cache_.size() + found->size() > kUserCacheSize) dropped.swap(user_cache_);
  for (auto& u : *found) {
    user_cache_.emplace(u.network_id, u.id);
    out.push_back(UserRef{u.id, std::move(u.network_id)});
  }
  return out;
}

Status SqliteStore::create_session(const std::string& token_hash, std::int64_t user_id,
                                   const std::string& device_id, std::int64_t expires_at) {
  return create_sessions({NewSession{token_hash, user_id, device_id, expires_at}});
}

Status SqliteStore::create_sessions(const std::vector<NewSession>& sessions) {
  return writer_->run([&](Database& db) -> Status {
    auto st = db.prepare(
        "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
    if (!st) return st.error();
    std::int64_t now = now_ms();
    for (const auto& s : sessions) {
      st->reset();
      st->bind_blob(1, s.token_hash).bind(2, s.user_id).bind(3, s.device_id).bind(4, now).bind(5, s.expires_at);
      if (auto r = st->run(); !r) return r;
    }
    return {};
  });
}

Result<Session> SqliteStore::find_session(const std::string& token_hash) {
  auto db = lease_reader();
  auto st = db->prepare(
      "SELECT u.id, u.network_id, u.password_hash, u.role, u.created_at, u.send_receipts, s.device_id, s.expires_at "
      "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
  if (!st) return st.error();
  st->bind_blob(1, token_hash);
  if (auto s = step_one(*st, "session_not_found", "no such session"); !s) return s.error();
  return Session{read_user(*st, 0), st->text(6), st->int64(7)};
}

Status SqliteStore::delete_session(const std::string& token_hash) {
  return writer_->run([&](Database& db) -> Status {
    auto st = db.prepare("DELETE FROM sessions WHERE token_hash = ?");
    if (!st) return st.error();
    st->bind_blob(1, token_hash);
    return st->run();
  });
}

Status SqliteStore::set_send_receipts(std::int64_t user_id, bool on) {
  return writer_->run([&](Database& db) -> Status {
    auto st = db.prepare("UPDATE users SET send_receipts = ? WHERE id = ?");
    if (!st) return st.error();
    st->bind(1, static_cast<std::int64_t>(on ? 1 : 0)).bind(2, user_id);
    return st->run();
  });
}

// ---- catalog ---------------------------------------------------------------

Status SqliteStore::put_blob(const std::string& sha256, std::int64_t size) {
  return writer_->run([&](Database& db) -> Status {
    auto st = db.prepare("INSERT OR IGNORE INTO blobs (sha256, size, created_at) VALUES (?, ?, ?)");
    if (!st) return st.error();
    st->bind(1, sha256).bind(2, size).bind(3, now_ms());
    return st->run();
  });
}

Result<std::optional<std::int64_t>> SqliteStore::blob_size(const std::string& sha256) {
  auto db = lease_reader();
  auto st = db->prepare("SELECT size FROM blobs WHERE sha256 = ?");
  if (!st) return st.error();
  st->bind(1, sha256);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(st->int64(0));
}

Result<Resource> SqliteStore::create_resource(const Resource& r, std::int64_t publisher_id) {
  auto st = writer_->run([&](Database& db) -> Status {
    auto ins = db.prepare(
        "INSERT INTO resources (id, type, title, tags, sha256, mime, filename, publisher_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return ins.error();
    ins->bind(1, r.id).bind(2, r.type).bind(3, r.title).bind(4, strings_to_json(r.tags)).bind(5, r.sha256);
    ins->bind(6, r.mime).bind(7, r.filename).bind(8, publisher_id).bind(9, r.created_at);
    return ins->run();
  });
  if (!st) return st.error();
  return get_resource(r.id);
}

Result<Resource> SqliteStore::get_resource(const std::string& id) {
  {
    std::lock_guard lk(resource_cache_mu_);
    if (auto it = resource_cache_.find(id); it != resource_cache_.end()) return it->second;
  }
  auto db = lease_reader();
  auto st = db->prepare("SELECT " + std::string(kResourceColumns) + " FROM resources r " + kResourceJoins +
                        " WHERE r.id = ?");
  if (!st) return st.error();
  st->bind(1, id);
  if (auto s = step_one(*st, "resource_not_found", "no resource with id '" + id + "'"); !s) return s.error();
  Resource found = read_resource(*st, 0);
  std::unordered_map<std::string, Resource> dropped;  // freed after the lock, not under it
  std::lock_guard lk(resource_cache_mu_);
  if (resource_cache_.size() >= kResourceCacheSize) dropped.swap(resource_cache_);
  resource_cache_.emplace(id, found);
  return found;
}

Result<ResourcePage> SqliteStore::list_resources(const std::optional<std::string>& type, std::int64_t after,
                                                 int limit) {
  auto db = lease_reader();
  std::string sql = "SELECT " + std::string(kResourceColumns) + " FROM resources r " + kResourceJoins +
                    " WHERE r.position > ?" + (type ? " AND r.type = ?" : "") + " ORDER BY r.position LIMIT ?";
  auto st = db->prepare(sql);
  if (!st) return st.error();
  int i = 1;
  st->bind(i++, after);
  if (type) st->bind(i++, *type);
  st->bind(i++, static_cast<std::int64_t>(limit) + 1);  // one extra tells whether more follow
  ResourcePage page;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    if (static_cast<int>(page.resources.size()) == limit) {
      page.next_after = page.resources.back().position;
      break;
    }
    page.resources.push_back(read_resource(*st, 0));
  }
  return page;
}

Result<std::int64_t> SqliteStore::count_resources() {
  auto db = lease_reader();
  auto st = db->prepare("SELECT count(*) FROM resources");
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  return st->int64(0);
}

}  // namespace mc::store::sqlite
