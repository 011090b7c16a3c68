// PgAccountStore: users and sessions on PostgreSQL.
#include <unordered_set>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/postgres/pg_stores.hpp"

namespace mc::store::postgres {

const PgSchema& accounts_schema() {
  static const PgSchema schema{"accounts",
                               {
                                   R"sql(
CREATE TABLE users (
  id            BIGSERIAL PRIMARY KEY,
  network_id    TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('user', 'provider')),
  created_at    BIGINT NOT NULL,
  inbox_head    BIGINT NOT NULL DEFAULT 0,  -- delivery's: seq of the newest inbox item
  send_receipts BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,  -- hex of SHA-256 of the token
  user_id    BIGINT NOT NULL REFERENCES users(id),
  device_id  TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
)sql",
                                   // 2: closed accounts keep their row (the network ID is never reused)
                                   // without a password or personal data.
                                   R"sql(
ALTER TABLE users ADD COLUMN closed_at BIGINT;
)sql",
                               }};
  return schema;
}

const std::vector<std::string_view>& accounts_forget_user() {
  static const std::vector<std::string_view> statements = {"DELETE FROM sessions WHERE user_id = $1"};
  return statements;
}

User read_user(const Rows& rows, int r, int c) {
  return User{rows.int64(r, c),     rows.text(r, c + 1),
              rows.text(r, c + 2),  parse_role(rows.text(r, c + 3)).value_or(Role::kUser),
              rows.int64(r, c + 4), rows.boolean(r, c + 5)};
}

namespace {

Error taken(const std::string& id) {
  return Error::already_exists("network_id_taken", "the network ID '" + id + "' is taken");
}

}  // namespace

Result<User> PgAccountStore::create_user(const std::string& network_id, const std::string& password_hash, Role role) {
  return e_.transact<User>([&](pg::Connection& c) -> Result<User> {
    auto rows = c.query(std::string("INSERT INTO users AS u (network_id, password_hash, role, created_at) "
                                    "VALUES ($1, $2, $3, $4) RETURNING ") +
                            kUserColumns,
                        {network_id, password_hash, std::string(role_name(role)), std::to_string(now_ms())});
    if (!rows) return rows.error().is(ErrorKind::kAlreadyExists) ? taken(network_id) : rows.error();
    return read_user(*rows, 0, 0);
  });
}

Status PgAccountStore::create_users(const std::vector<std::string>& network_ids, const std::string& password_hash,
                                    Role role) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    auto rows = c.query(
        "INSERT INTO users (network_id, password_hash, role, created_at) "
        "SELECT n, $2, $3, $4 FROM unnest($1::text[]) AS n",
        {pg::text_array(network_ids), password_hash, std::string(role_name(role)), std::to_string(now_ms())});
    if (!rows) return rows.error().is(ErrorKind::kAlreadyExists) ? taken("(one of them)") : rows.error();
    return {};
  });
}

Result<User> PgAccountStore::find_user(std::string_view network_id) {
  return e_.read<User>([&](pg::Connection& c) -> Result<User> {
    MC_TRY(auto rows, c.query(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.network_id = $1",
                              {std::string(network_id)}));
    if (rows.empty()) return Error::not_found("user_not_found", "no user '" + std::string(network_id) + "'");
    return read_user(rows, 0, 0);
  });
}

Result<std::vector<User>> PgAccountStore::find_users(const std::vector<std::string>& network_ids) {
  return e_.read<std::vector<User>>([&](pg::Connection& c) -> Result<std::vector<User>> {
    MC_TRY(auto rows, c.query(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.network_id = ANY($1)",
                              {pg::text_array(network_ids)}));
    std::vector<User> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(read_user(rows, i, 0));
    return out;
  });
}

Result<std::vector<UserRef>> PgAccountStore::find_user_refs(const std::vector<std::string>& network_ids) {
  return user_refs_.lookup(network_ids, [this](const std::vector<std::string>& names) { return find_users(names); });
}

Status PgAccountStore::create_session(const std::string& token_hash, std::int64_t user_id, const std::string& device_id,
                                      std::int64_t expires_at) {
  return create_sessions({NewSession{token_hash, user_id, device_id, expires_at}});
}

Status PgAccountStore::create_sessions(const std::vector<NewSession>& sessions) {
  std::vector<std::string> hashes, devices;
  std::vector<std::int64_t> users, expiries;
  for (const auto& s : sessions) {
    hashes.push_back(to_hex(s.token_hash));
    users.push_back(s.user_id);
    devices.push_back(s.device_id);
    expiries.push_back(s.expires_at);
  }
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(c.query(
        "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at) "
        "SELECT h, u, d, $4, x FROM unnest($1::text[], $2::bigint[], $3::text[], $5::bigint[]) AS s(h, u, d, x)",
        {pg::text_array(hashes), pg::int_array(users), pg::text_array(devices), std::to_string(now_ms()),
         pg::int_array(expiries)}));
    return {};
  });
}

Result<Session> PgAccountStore::find_session(const std::string& token_hash) {
  return e_.read<Session>([&](pg::Connection& c) -> Result<Session> {
    MC_TRY(auto rows, c.query(std::string("SELECT ") + kUserColumns +
                                  ", s.device_id, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
                                  "WHERE s.token_hash = $1",
                              {to_hex(token_hash)}));
    if (rows.empty()) return Error::not_found("session_not_found", "no such session");
    return Session{read_user(rows, 0, 0), rows.text(0, 6), rows.int64(0, 7)};
  });
}

Status PgAccountStore::delete_session(const std::string& token_hash) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(c.query("DELETE FROM sessions WHERE token_hash = $1", {to_hex(token_hash)}));
    return {};
  });
}

Status PgAccountStore::set_send_receipts(std::int64_t user_id, bool on) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(c.query("UPDATE users SET send_receipts = $1 WHERE id = $2",
                          {std::string(on ? "true" : "false"), std::to_string(user_id)}));
    return {};
  });
}

}  // namespace mc::store::postgres
