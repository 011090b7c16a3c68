#include "store/sqlite/sqlite_store.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace mc::store::sqlite {

namespace json = boost::json;

// Borrows one reader connection for the length of a read.
class SqliteStore::ReaderLease {
 public:
  ReaderLease(SqliteStore& s, std::unique_ptr<Database> db) : s_(s), db_(std::move(db)) {}
  ~ReaderLease() {
    std::lock_guard lk(s_.readers_mu_);
    s_.idle_readers_.push_back(std::move(db_));
    s_.readers_cv_.notify_one();
  }
  Database& operator*() { return *db_; }
  Database* operator->() { return db_.get(); }

 private:
  SqliteStore& s_;
  std::unique_ptr<Database> db_;
};

namespace {

constexpr const char* kUserColumns = "id, network_id, password_hash, role, created_at";

User read_user(const Statement& st, int c) {
  return User{st.int64(c), st.text(c + 1), st.text(c + 2), st.text(c + 3), st.int64(c + 4)};
}

// Columns and joins that produce a Resource, read by read_resource.
constexpr const char* kResourceColumns =
    "r.id, r.type, r.title, r.tags, r.sha256, b.size, r.mime, r.filename, p.network_id, r.created_at, "
    "r.position";
constexpr const char* kResourceJoins =
    "JOIN blobs b ON b.sha256 = r.sha256 JOIN users p ON p.id = r.publisher_id";

std::vector<std::string> tags_from_json(const std::string& text) {
  std::vector<std::string> tags;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (!ec && v.is_array()) {
    for (const auto& t : v.as_array()) {
      if (t.is_string()) tags.emplace_back(t.as_string());
    }
  }
  return tags;
}

std::string tags_to_json(const std::vector<std::string>& tags) {
  json::array arr;
  for (const auto& t : tags) arr.emplace_back(t);
  return json::serialize(arr);
}

Resource read_resource(const Statement& st, int c) {
  Resource r;
  r.id = st.text(c);
  r.type = st.text(c + 1);
  r.title = st.text(c + 2);
  r.tags = tags_from_json(st.text(c + 3));
  r.sha256 = st.text(c + 4);
  r.size = st.int64(c + 5);
  r.mime = st.text(c + 6);
  r.filename = st.text(c + 7);
  r.publisher = st.text(c + 8);
  r.created_at = st.int64(c + 9);
  r.position = st.int64(c + 10);
  return r;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, int readers) {
  std::unique_ptr<SqliteStore> s(new SqliteStore());
  auto w = Database::open(path);
  if (!w) return w.error();
  s->writer_ = std::move(w.value());
  if (auto v = migrate(*s->writer_); !v) return v.error();
  for (int i = 0; i < readers; ++i) {
    auto r = Database::open(path);
    if (!r) return r.error();
    s->idle_readers_.push_back(std::move(r.value()));
  }
  return s;
}

SqliteStore::~SqliteStore() = default;

SqliteStore::ReaderLease SqliteStore::lease_reader() {
  std::unique_lock lk(readers_mu_);
  readers_cv_.wait(lk, [&] { return !idle_readers_.empty(); });
  auto db = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return ReaderLease(*this, std::move(db));
}

// ---- accounts --------------------------------------------------------------

Result<User> SqliteStore::create_user(const std::string& network_id, const std::string& password_hash,
                                      const std::string& role) {
  std::lock_guard lk(write_mu_);
  auto st = writer_->prepare(
      "INSERT INTO users (network_id, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING " +
      std::string(kUserColumns));
  if (!st) return st.error();
  st->bind(1, network_id).bind(2, password_hash).bind(3, role).bind(4, now_ms());
  auto row = st->step();
  if (!row) {
    if (row.error().status == 409) {
      return Error::conflict("network_id_taken", "the network ID '" + network_id + "' is taken");
    }
    return row.error();
  }
  return read_user(*st, 0);
}

Result<User> SqliteStore::find_user(std::string_view network_id) {
  auto db = lease_reader();
  auto st = db->prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE network_id = ?");
  if (!st) return st.error();
  st->bind(1, network_id);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error::not_found("user_not_found", "no user '" + std::string(network_id) + "'");
  return read_user(*st, 0);
}

Result<std::vector<User>> SqliteStore::find_users(const std::vector<std::string>& network_ids) {
  auto db = lease_reader();
  auto st = db->prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE network_id = ?");
  if (!st) return st.error();
  std::vector<User> out;
  for (const auto& id : network_ids) {
    st->reset();
    st->bind(1, id);
    auto row = st->step();
    if (!row) return row.error();
    if (*row) out.push_back(read_user(*st, 0));
  }
  return out;
}

Status SqliteStore::create_session(const std::string& token_hash, std::int64_t user_id,
                                   const std::string& device_id, std::int64_t expires_at) {
  std::lock_guard lk(write_mu_);
  auto st = writer_->prepare(
      "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
  if (!st) return st.error();
  st->bind_blob(1, token_hash).bind(2, user_id).bind(3, device_id).bind(4, now_ms()).bind(5, expires_at);
  return st->run();
}

Result<Session> SqliteStore::find_session(const std::string& token_hash) {
  auto db = lease_reader();
  auto st = db->prepare(
      "SELECT u.id, u.network_id, u.password_hash, u.role, u.created_at, s.device_id, s.expires_at "
      "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
  if (!st) return st.error();
  st->bind_blob(1, token_hash);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error::not_found("session_not_found", "no such session");
  return Session{read_user(*st, 0), st->text(5), st->int64(6)};
}

Status SqliteStore::delete_session(const std::string& token_hash) {
  std::lock_guard lk(write_mu_);
  auto st = writer_->prepare("DELETE FROM sessions WHERE token_hash = ?");
  if (!st) return st.error();
  st->bind_blob(1, token_hash);
  return st->run();
}

// ---- catalog ---------------------------------------------------------------

Status SqliteStore::put_blob(const std::string& sha256, std::int64_t size) {
  std::lock_guard lk(write_mu_);
  auto st = writer_->prepare("INSERT OR IGNORE INTO blobs (sha256, size, created_at) VALUES (?, ?, ?)");
  if (!st) return st.error();
  st->bind(1, sha256).bind(2, size).bind(3, now_ms());
  return st->run();
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
  {
    std::lock_guard lk(write_mu_);
    auto st = writer_->prepare(
        "INSERT INTO resources (id, type, title, tags, sha256, mime, filename, publisher_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) return st.error();
    st->bind(1, r.id).bind(2, r.type).bind(3, r.title).bind(4, tags_to_json(r.tags)).bind(5, r.sha256);
    st->bind(6, r.mime).bind(7, r.filename).bind(8, publisher_id).bind(9, r.created_at);
    if (auto s = st->run(); !s) return s.error();
  }
  return get_resource(r.id);
}

Result<Resource> SqliteStore::get_resource(const std::string& id) {
  auto db = lease_reader();
  auto st = db->prepare("SELECT " + std::string(kResourceColumns) + " FROM resources r " + kResourceJoins +
                        " WHERE r.id = ?");
  if (!st) return st.error();
  st->bind(1, id);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error::not_found("resource_not_found", "no resource with id '" + id + "'");
  return read_resource(*st, 0);
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

// ---- delivery --------------------------------------------------------------

Result<ShareReceipt> SqliteStore::create_share(const NewShare& share) {
  std::lock_guard lk(write_mu_);
  Transaction tx(*writer_);
  if (!tx.begun()) return tx.begun().error();

  auto ins = writer_->prepare(
      "INSERT INTO shares (id, sender_id, resource_id, note, created_at) VALUES (?, ?, ?, ?, ?)");
  if (!ins) return ins.error();
  ins->bind(1, share.id).bind(2, share.sender_id).bind(3, share.resource_id).bind(4, share.note);
  ins->bind(5, share.created_at);
  if (auto s = ins->run(); !s) return s.error();

  // The owner's head moves inside the same transaction as the item, so a
  // rollback takes both back and sequence numbers stay gapless.
  auto bump = writer_->prepare("UPDATE users SET inbox_head = inbox_head + 1 WHERE id = ? RETURNING inbox_head");
  auto item = writer_->prepare(
      "INSERT INTO inbox_items (user_id, seq, id, kind, share_id, created_at) VALUES (?, ?, ?, 'share', ?, ?)");
  if (!bump) return bump.error();
  if (!item) return item.error();
  for (auto uid : share.recipient_ids) {
    bump->reset();
    bump->bind(1, uid);
    auto row = bump->step();
    if (!row) return row.error();
    if (!*row) return Error::internal("recipient vanished during share");
    std::int64_t seq = bump->int64(0);
    if (auto s = bump->step(); !s) return s.error();  // finish the statement
    item->reset();
    item->bind(1, uid).bind(2, seq).bind(3, new_id("i_")).bind(4, share.id).bind(5, share.created_at);
    if (auto s = item->run(); !s) return s.error();
  }
  if (auto s = tx.commit(); !s) return s.error();
  return ShareReceipt{share.id, share.created_at};
}

Result<std::vector<InboxItem>> SqliteStore::list_inbox(std::int64_t user_id, std::int64_t after, int limit) {
  auto db = lease_reader();
  auto st = db->prepare(
      "SELECT i.id, i.seq, i.kind, i.share_id, i.created_at, s.note, su.network_id, " +
      std::string(kResourceColumns) +
      " FROM inbox_items i JOIN shares s ON s.id = i.share_id JOIN users su ON su.id = s.sender_id "
      "JOIN resources r ON r.id = s.resource_id " +
      kResourceJoins + " WHERE i.user_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?");
  if (!st) return st.error();
  st->bind(1, user_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  std::vector<InboxItem> items;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    InboxItem it;
    it.id = st->text(0);
    it.seq = st->int64(1);
    it.kind = st->text(2);
    it.share_id = st->text(3);
    it.created_at = st->int64(4);
    it.note = st->text(5);
    it.sender = st->text(6);
    it.resource = read_resource(*st, 7);
    items.push_back(std::move(it));
  }
  return items;
}

Result<std::int64_t> SqliteStore::inbox_head(std::int64_t user_id) {
  auto db = lease_reader();
  auto st = db->prepare("SELECT inbox_head FROM users WHERE id = ?");
  if (!st) return st.error();
  st->bind(1, user_id);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error::not_found("user_not_found", "no such user");
  return st->int64(0);
}

}  // namespace mc::store::sqlite
