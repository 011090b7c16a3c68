// SqliteAccountStore: users and sessions.
#include "store/sqlite/account_store.hpp"

#include <unordered_set>

#include "core/clock.hpp"
#include "store/sqlite/rows.hpp"

namespace mc::store::sqlite {

const AreaSchema& accounts_schema() {
  static const AreaSchema schema{"accounts",
                                 {
                                     // 1
                                     R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  network_id    TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('user', 'provider')),
  created_at    INTEGER NOT NULL,
  inbox_head    INTEGER NOT NULL DEFAULT 0  -- delivery's: seq of the newest inbox item
);
CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  device_id  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
                                     // 2: may senders see when this user got and opened their shares
                                     R"sql(
ALTER TABLE users ADD COLUMN send_receipts INTEGER NOT NULL DEFAULT 1;
)sql",
                                     // 3: closed accounts keep their row (the network ID is never
                                     // reused) without a password or personal data.
                                     R"sql(
ALTER TABLE users ADD COLUMN closed_at INTEGER;
)sql",
                                 },
                                 {1, 2}};
  return schema;
}

const std::vector<std::string_view>& accounts_forget_user() {
  static const std::vector<std::string_view> statements = {"DELETE FROM sessions WHERE user_id = ?1"};
  return statements;
}

Result<User> SqliteAccountStore::create_user(const std::string& network_id, const std::string& password_hash,
                                             Role role) {
  return engine_.writer().run_for<User>([&](Database& db) -> Result<User> {
    auto st = db.prepare(
        "INSERT INTO users (network_id, password_hash, role, created_at) VALUES (?, ?, ?, ?) "
        "RETURNING " +
        std::string(kUserColumns));
    if (!st) return st.error();
    st->bind(1, network_id).bind(2, password_hash).bind(3, role_name(role)).bind(4, now_ms());
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

Status SqliteAccountStore::create_users(const std::vector<std::string>& network_ids, const std::string& password_hash,
                                        Role role) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("INSERT INTO users (network_id, password_hash, role, created_at) VALUES (?, ?, ?, ?)"));
    std::int64_t now = now_ms();
    for (const auto& id : network_ids) {
      st.reset();
      st.bind(1, id).bind(2, password_hash).bind(3, role_name(role)).bind(4, now);
      if (auto s = st.run(); !s) {
        if (s.error().is(ErrorKind::kAlreadyExists))
          return Error::already_exists("network_id_taken", "the network ID '" + id + "' is taken");
        return s;
      }
    }
    return {};
  });
}

Result<User> SqliteAccountStore::find_user(std::string_view network_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE network_id = ?"));
  st.bind(1, network_id);
  MC_TRY_STATUS(step_one(st, "user_not_found", "no user '" + std::string(network_id) + "'"));
  return read_user(st, 0);
}

Result<std::vector<User>> SqliteAccountStore::find_users(const std::vector<std::string>& network_ids) {
  // 500 names to a statement: a share to 10,000 users looks them up in 20
  // queries, not 10,000.
  constexpr std::size_t kChunk = 500;
  auto db = engine_.reader();
  std::vector<User> out;
  out.reserve(network_ids.size());
  for (std::size_t i = 0; i < network_ids.size(); i += kChunk) {
    std::size_t n = std::min(kChunk, network_ids.size() - i);
    std::string marks = "?";
    for (std::size_t k = 1; k < n; ++k) marks += ", ?";
    MC_TRY(auto st,
           db->prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE network_id IN (" + marks + ")"));
    for (std::size_t k = 0; k < n; ++k) st.bind(static_cast<int>(k + 1), network_ids[i + k]);
    for (;;) {
      auto row = st.step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(read_user(st, 0));
    }
  }
  return out;
}

Result<std::vector<UserRef>> SqliteAccountStore::find_user_refs(const std::vector<std::string>& network_ids) {
  return user_refs_.lookup(network_ids, [this](const std::vector<std::string>& names) { return find_users(names); });
}

Status SqliteAccountStore::create_session(const std::string& token_hash, std::int64_t user_id,
                                          const std::string& device_id, std::int64_t expires_at) {
  return create_sessions({NewSession{token_hash, user_id, device_id, expires_at}});
}

Status SqliteAccountStore::create_sessions(const std::vector<NewSession>& sessions) {
  return engine_.writer().run([&](Database& db) -> Status {
    auto st = db.prepare(
        "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
    if (!st) return st.error();
    std::int64_t now = now_ms();
    for (const auto& s : sessions) {
      st->reset();
      st->bind_blob(1, s.token_hash).bind(2, s.user_id).bind(3, s.device_id).bind(4, now).bind(5, s.expires_at);
      MC_TRY_STATUS(st->run());
    }
    return {};
  });
}

Result<Session> SqliteAccountStore::find_session(const std::string& token_hash) {
  auto db = engine_.reader();
  auto st = db->prepare(
      "SELECT u.id, u.network_id, u.password_hash, u.role, u.created_at, u.send_receipts, s.device_id, s.expires_at "
      "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
  if (!st) return st.error();
  st->bind_blob(1, token_hash);
  MC_TRY_STATUS(step_one(*st, "session_not_found", "no such session"));
  return Session{read_user(*st, 0), st->text(6), st->int64(7)};
}

Status SqliteAccountStore::delete_session(const std::string& token_hash) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("DELETE FROM sessions WHERE token_hash = ?"));
    st.bind_blob(1, token_hash);
    return st.run();
  });
}

Status SqliteAccountStore::set_send_receipts(std::int64_t user_id, bool on) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("UPDATE users SET send_receipts = ? WHERE id = ?"));
    st.bind(1, static_cast<std::int64_t>(on ? 1 : 0)).bind(2, user_id);
    return st.run();
  });
}

}  // namespace mc::store::sqlite
