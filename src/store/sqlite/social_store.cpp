// SqliteSocialStore: profiles, own identifiers, the matching key, contacts,
// friends and blocks.
#include "store/sqlite/social_store.hpp"

#include "core/clock.hpp"
#include "store/rules/reach_rules.hpp"
#include "store/sqlite/delivery_store.hpp"
#include "store/sqlite/rows.hpp"

namespace mc::store::sqlite {

const AreaSchema& social_schema() {
  static const AreaSchema schema{"social",
                                 {
                                     // 1
                                     R"sql(
CREATE TABLE profiles (
  user_id           INTEGER PRIMARY KEY REFERENCES users(id),
  display_name      TEXT NOT NULL DEFAULT '',
  region            TEXT NOT NULL DEFAULT '',
  findable_by_phone INTEGER NOT NULL DEFAULT 0,
  findable_by_email INTEGER NOT NULL DEFAULT 0,
  who_may_share     TEXT NOT NULL DEFAULT 'everyone',
  who_may_request   TEXT NOT NULL DEFAULT 'everyone'
);
CREATE TABLE identifiers (
  user_id     INTEGER NOT NULL REFERENCES users(id),
  kind        TEXT NOT NULL,  -- 'phone' (E.164) | 'email'
  value       TEXT NOT NULL,
  tag         TEXT NOT NULL,  -- hex: the OPRF tag address books match
  verified_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, kind),
  UNIQUE (kind, value)
) WITHOUT ROWID;
CREATE UNIQUE INDEX identifiers_by_tag ON identifiers(tag);
CREATE TABLE verification_codes (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  kind       TEXT NOT NULL,
  value      TEXT NOT NULL,
  code_hash  TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;
CREATE TABLE social_secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE contacts (
  owner_id   INTEGER NOT NULL REFERENCES users(id),
  contact_id INTEGER NOT NULL REFERENCES users(id),
  since      INTEGER NOT NULL,
  PRIMARY KEY (owner_id, contact_id)
) WITHOUT ROWID;
CREATE TABLE friend_requests (
  from_id    INTEGER NOT NULL REFERENCES users(id),
  to_id      INTEGER NOT NULL REFERENCES users(id),
  message    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (from_id, to_id)
) WITHOUT ROWID;
CREATE INDEX friend_requests_by_to ON friend_requests(to_id, from_id);
CREATE TABLE friendships (  -- both directions, one row each
  user_id   INTEGER NOT NULL REFERENCES users(id),
  friend_id INTEGER NOT NULL REFERENCES users(id),
  since     INTEGER NOT NULL,
  PRIMARY KEY (user_id, friend_id)
) WITHOUT ROWID;
CREATE TABLE blocks (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  blocked_id INTEGER NOT NULL REFERENCES users(id),
  since      INTEGER NOT NULL,
  PRIMARY KEY (user_id, blocked_id)
) WITHOUT ROWID;
)sql",
                                 },
                                 {0, 0}};
  return schema;
}

const std::vector<std::string_view>& social_forget_user() {
  static const std::vector<std::string_view> statements = {
      "DELETE FROM profiles WHERE user_id = ?1",
      "DELETE FROM identifiers WHERE user_id = ?1",
      "DELETE FROM verification_codes WHERE user_id = ?1",
      "DELETE FROM contacts WHERE owner_id = ?1 OR contact_id = ?1",
      "DELETE FROM friend_requests WHERE from_id = ?1 OR to_id = ?1",
      "DELETE FROM friendships WHERE user_id = ?1 OR friend_id = ?1",
      "DELETE FROM blocks WHERE user_id = ?1 OR blocked_id = ?1"};
  return statements;
}

namespace {

// Rows of (user id, network ID, display name, since) as people.
Result<std::vector<Person>> read_people(Statement& st) {
  std::vector<Person> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(Person{st.int64(0), st.text(1), st.text(2), st.int64(3)});
  }
}

constexpr const char* kPersonColumns = "u.id, u.network_id, coalesce(pr.display_name, ''), ";

// The user `id_column` names, as u, with their profile, as pr.
std::string person_join(const std::string& id_column) {
  return " JOIN users u ON u.id = " + id_column + " LEFT JOIN profiles pr ON pr.user_id = u.id ";
}

Result<bool> exists(Database& db, const std::string& sql, std::int64_t a, std::int64_t b) {
  MC_TRY(auto st, db.prepare(sql));
  st.bind(1, a).bind(2, b);
  return st.step();
}

Result<bool> are_friends(Database& db, std::int64_t a, std::int64_t b) {
  return exists(db, "SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?", a, b);
}

// The facts that decide whether `recipient` accepts `sender`, per recipient
// of `recipient_ids`; `policy_column` names the profile's policy.
Result<std::set<std::int64_t>> refusing(Database& db, const char* policy_column, std::int64_t sender_id,
                                        const std::vector<std::int64_t>& recipient_ids) {
  // Runs inside every share's write: friendship and contact are looked up
  // only for recipients whose policy asks about them (most take everyone).
  const std::string policy = std::string("coalesce(p.") + policy_column + ", 'everyone')";
  MC_TRY(auto st, db.prepare("SELECT r.value, " + policy +
                             ", EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = r.value AND b.blocked_id = ?1) OR "
                             // A closed account accepts nothing, as a block would.
                             "EXISTS (SELECT 1 FROM users cu WHERE cu.id = r.value AND cu.closed_at IS NOT NULL), "
                             "CASE WHEN " +
                             policy +
                             " = 'everyone' THEN 0 ELSE EXISTS (SELECT 1 FROM friendships f WHERE "
                             "f.user_id = r.value AND f.friend_id = ?1) END, "
                             "CASE WHEN " +
                             policy +
                             " = 'everyone' THEN 0 ELSE EXISTS (SELECT 1 FROM contacts c WHERE "
                             "c.owner_id = r.value AND c.contact_id = ?1) END "
                             "FROM json_each(?2) r LEFT JOIN profiles p ON p.user_id = r.value"));
  st.bind(1, sender_id).bind(2, ids_to_json(recipient_ids));
  std::set<std::int64_t> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    rules::ReachFacts f{parse_reach(st.text(1)).value_or(Reach::kEveryone), st.int64(2) != 0, st.int64(3) != 0,
                        st.int64(4) != 0};
    if (!rules::may_reach(f)) out.insert(st.int64(0));
  }
}

Status drop_between(Database& db, std::int64_t a, std::int64_t b) {
  MC_TRY(auto fr, db.prepare("DELETE FROM friendships WHERE (user_id = ?1 AND friend_id = ?2) OR "
                             "(user_id = ?2 AND friend_id = ?1)"));
  fr.bind(1, a).bind(2, b);
  MC_TRY_STATUS(fr.run());
  MC_TRY(auto rq, db.prepare("DELETE FROM friend_requests WHERE (from_id = ?1 AND to_id = ?2) OR "
                             "(from_id = ?2 AND to_id = ?1)"));
  rq.bind(1, a).bind(2, b);
  return rq.run();
}

Status befriend(Database& db, std::int64_t a, std::int64_t b, std::int64_t at) {
  MC_TRY_STATUS(drop_between(db, a, b));
  MC_TRY(auto st, db.prepare("INSERT INTO friendships (user_id, friend_id, since) VALUES (?1, ?2, ?3), (?2, ?1, ?3)"));
  st.bind(1, a).bind(2, b).bind(3, at);
  return st.run();
}

// Runs a DELETE ... RETURNING; kNotFound `code` when it deleted nothing.
Status delete_some(Statement& st, const char* code, const std::string& message) {
  MC_TRY(bool row, st.step());
  if (!row) return Error::not_found(code, message);
  for (;;) {
    MC_TRY(bool more, st.step());
    if (!more) return {};
  }
}

}  // namespace

// ---- profiles ----------------------------------------------------------------

namespace {

Result<Profile> load_profile(Database& db, std::int64_t user_id) {
  MC_TRY(auto st, db.prepare("SELECT display_name, region, findable_by_phone, findable_by_email, who_may_share, "
                             "who_may_request FROM profiles WHERE user_id = ?"));
  st.bind(1, user_id);
  Profile p;
  MC_TRY(bool row, st.step());
  if (!row) return p;
  p.display_name = st.text(0);
  p.region = st.text(1);
  p.findable_by_phone = st.int64(2) != 0;
  p.findable_by_email = st.int64(3) != 0;
  p.who_may_share = parse_reach(st.text(4)).value_or(Reach::kEveryone);
  p.who_may_request = parse_reach(st.text(5)).value_or(Reach::kEveryone);
  return p;
}

template <class T>
void bind_optional(Statement& st, int i, const std::optional<T>& v) {
  if (!v) {
    st.bind_null(i);
  } else if constexpr (std::is_same_v<T, bool>) {
    st.bind(i, std::int64_t{*v ? 1 : 0});
  } else if constexpr (std::is_same_v<T, Reach>) {
    st.bind(i, reach_name(*v));
  } else {
    st.bind(i, std::string_view(*v));
  }
}

}  // namespace

Result<Profile> SqliteSocialStore::profile(std::int64_t user_id) {
  auto db = engine_.reader();
  return load_profile(*db, user_id);
}

Result<Profile> SqliteSocialStore::change_profile(std::int64_t user_id, const ProfileChange& c) {
  return engine_.writer().run_for<Profile>([&](Database& db) -> Result<Profile> {
    MC_TRY(auto ins, db.prepare("INSERT OR IGNORE INTO profiles (user_id) VALUES (?)"));
    ins.bind(1, user_id);
    MC_TRY_STATUS(ins.run());
    MC_TRY(auto st,
           db.prepare("UPDATE profiles SET display_name = coalesce(?2, display_name), region = coalesce(?3, region), "
                      "findable_by_phone = coalesce(?4, findable_by_phone), "
                      "findable_by_email = coalesce(?5, findable_by_email), "
                      "who_may_share = coalesce(?6, who_may_share), who_may_request = coalesce(?7, who_may_request) "
                      "WHERE user_id = ?1"));
    st.bind(1, user_id);
    bind_optional(st, 2, c.display_name);
    bind_optional(st, 3, c.region);
    bind_optional(st, 4, c.findable_by_phone);
    bind_optional(st, 5, c.findable_by_email);
    bind_optional(st, 6, c.who_may_share);
    bind_optional(st, 7, c.who_may_request);
    MC_TRY_STATUS(st.run());
    return load_profile(db, user_id);
  });
}

// ---- own identifiers ---------------------------------------------------------

Result<std::vector<Identifier>> SqliteSocialStore::identifiers(std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT kind, value, verified_at, 0 FROM identifiers WHERE user_id = ?1 UNION ALL "
                              "SELECT kind, value, NULL, expires_at FROM verification_codes WHERE user_id = ?1 "
                              "AND attempts < ?2 ORDER BY 1, 3 DESC"));
  st.bind(1, user_id).bind(2, std::int64_t{kMaxVerificationAttempts});
  std::vector<Identifier> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    Identifier id{st.text(0), st.text(1), std::nullopt, st.int64(3)};
    if (!st.is_null(2)) id.verified_at = st.int64(2);
    out.push_back(std::move(id));
  }
}

Status SqliteSocialStore::put_pending_code(std::int64_t user_id, const PendingCode& code) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("INSERT OR REPLACE INTO verification_codes (user_id, kind, value, code_hash, "
                               "expires_at, attempts) VALUES (?, ?, ?, ?, ?, ?)"));
    st.bind(1, user_id).bind(2, code.kind).bind(3, code.value).bind(4, code.code_hash).bind(5, code.expires_at);
    st.bind(6, std::int64_t{code.attempts});
    return st.run();
  });
}

Result<std::vector<PendingCode>> SqliteSocialStore::pending_codes(std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT kind, value, code_hash, expires_at, attempts FROM verification_codes "
                              "WHERE user_id = ? ORDER BY kind"));
  st.bind(1, user_id);
  std::vector<PendingCode> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(PendingCode{st.text(0), st.text(1), st.text(2), st.int64(3), static_cast<int>(st.int64(4))});
  }
}

Result<std::vector<PendingCode>> SqliteSocialStore::take_verification_attempt(std::int64_t user_id) {
  return engine_.writer().run_for<std::vector<PendingCode>>([&](Database& db) -> Result<std::vector<PendingCode>> {
    MC_TRY(auto st, db.prepare("UPDATE verification_codes SET attempts = attempts + 1 WHERE user_id = ? AND "
                               "attempts < ? RETURNING kind, value, code_hash, expires_at, attempts"));
    st.bind(1, user_id).bind(2, std::int64_t{kMaxVerificationAttempts});
    std::vector<PendingCode> out;
    for (;;) {
      MC_TRY(bool row, st.step());
      if (!row) return out;
      out.push_back(PendingCode{st.text(0), st.text(1), st.text(2), st.int64(3), static_cast<int>(st.int64(4))});
    }
  });
}

Status SqliteSocialStore::confirm_identifier(std::int64_t user_id, const std::string& kind, const std::string& value,
                                             const std::string& code_hash, const std::string& tag, std::int64_t at) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto code, db.prepare("DELETE FROM verification_codes WHERE user_id = ? AND kind = ? AND code_hash = ? "
                                 "RETURNING 1"));
    code.bind(1, user_id).bind(2, kind).bind(3, code_hash);
    MC_TRY(bool used, code.step());
    if (!used) return Error::invalid_argument("invalid_code", "that code is no longer valid: ask for a new one");
    MC_TRY_STATUS(code.step());
    // Whoever proves a number or address now holds it.
    MC_TRY(auto moved, db.prepare("DELETE FROM identifiers WHERE kind = ? AND value = ? AND user_id != ?"));
    moved.bind(1, kind).bind(2, value).bind(3, user_id);
    MC_TRY_STATUS(moved.run());
    MC_TRY(auto st, db.prepare("INSERT OR REPLACE INTO identifiers (user_id, kind, value, tag, verified_at) "
                               "VALUES (?, ?, ?, ?, ?)"));
    st.bind(1, user_id).bind(2, kind).bind(3, value).bind(4, tag).bind(5, at);
    return st.run();
  });
}

Status SqliteSocialStore::remove_identifier(std::int64_t user_id, const std::string& kind) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto code, db.prepare("DELETE FROM verification_codes WHERE user_id = ? AND kind = ? RETURNING 1"));
    code.bind(1, user_id).bind(2, kind);
    MC_TRY(bool had_code, code.step());
    if (had_code) MC_TRY_STATUS(code.step());
    MC_TRY(auto st, db.prepare("DELETE FROM identifiers WHERE user_id = ? AND kind = ? RETURNING 1"));
    st.bind(1, user_id).bind(2, kind);
    MC_TRY(bool had, st.step());
    if (had) MC_TRY_STATUS(st.step());
    if (!had && !had_code) return Error::not_found("identifier_not_found", "you have no " + kind + " on record");
    return {};
  });
}

// ---- address-book matching ---------------------------------------------------

Result<std::string> SqliteSocialStore::oprf_key(const std::string& candidate) {
  {
    auto db = engine_.reader();
    MC_TRY(auto st, db->prepare("SELECT value FROM social_secrets WHERE name = 'oprf_key'"));
    MC_TRY(bool row, st.step());
    if (row) return st.text(0);
  }
  return engine_.writer().run_for<std::string>([&](Database& db) -> Result<std::string> {
    MC_TRY(auto ins, db.prepare("INSERT OR IGNORE INTO social_secrets (name, value) VALUES ('oprf_key', ?)"));
    ins.bind(1, candidate);
    MC_TRY_STATUS(ins.run());
    MC_TRY(auto st, db.prepare("SELECT value FROM social_secrets WHERE name = 'oprf_key'"));
    MC_TRY_STATUS(step_one(st, "secret_not_found", "the matching key vanished"));
    return st.text(0);
  });
}

namespace {

// Identifiers the viewer may find: their owners let themselves be found
// that way, are not the viewer and do not block the viewer.
constexpr const char* kFindable =
    "FROM identifiers i JOIN profiles p ON p.user_id = i.user_id JOIN users u ON u.id = i.user_id "
    "WHERE ((i.kind = 'phone' AND p.findable_by_phone != 0) OR (i.kind = 'email' AND p.findable_by_email != 0)) "
    "AND i.user_id != ?1 AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = i.user_id AND b.blocked_id = ?1) ";

}  // namespace

Result<std::vector<std::string>> SqliteSocialStore::directory_tags(std::int64_t viewer_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT i.tag ") + kFindable + "ORDER BY i.tag"));
  st.bind(1, viewer_id);
  return first_column(st);
}

Result<std::vector<DirectoryEntry>> SqliteSocialStore::find_by_tags(std::int64_t viewer_id,
                                                                    const std::vector<std::string>& tags) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT i.tag, u.id, u.network_id, p.display_name, i.verified_at ") +
                              kFindable + "AND i.tag IN (SELECT value FROM json_each(?2)) ORDER BY u.network_id"));
  st.bind(1, viewer_id).bind(2, strings_to_json(tags));
  std::vector<DirectoryEntry> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(DirectoryEntry{st.text(0), Person{st.int64(1), st.text(2), st.text(3), st.int64(4)}});
  }
}

Status SqliteSocialStore::replace_contacts(std::int64_t owner_id, const std::vector<std::int64_t>& contact_ids) {
  if (contact_ids.size() > kMaxContacts) {
    return Error::invalid_argument("too_many_contacts",
                                   "an address book matches at most " + std::to_string(kMaxContacts) + " users");
  }
  return engine_.writer().run([&](Database& db) -> Status {
    std::string ids = ids_to_json(contact_ids);
    MC_TRY(auto del, db.prepare("DELETE FROM contacts WHERE owner_id = ? AND contact_id NOT IN "
                                "(SELECT value FROM json_each(?))"));
    del.bind(1, owner_id).bind(2, ids);
    MC_TRY_STATUS(del.run());
    MC_TRY(auto ins, db.prepare("INSERT OR IGNORE INTO contacts (owner_id, contact_id, since) "
                                "SELECT ?1, value, ?3 FROM json_each(?2) WHERE value != ?1"));
    ins.bind(1, owner_id).bind(2, ids).bind(3, now_ms());
    return ins.run();
  });
}

Result<std::vector<Person>> SqliteSocialStore::contacts(std::int64_t owner_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT ") + kPersonColumns + "c.since FROM contacts c" +
                              person_join("c.contact_id") + "WHERE c.owner_id = ? ORDER BY u.network_id"));
  st.bind(1, owner_id);
  return read_people(st);
}

// ---- friends -------------------------------------------------------------------

Result<FriendRequestOutcome> SqliteSocialStore::send_friend_request(std::int64_t from_id, std::int64_t to_id,
                                                                    const std::string& message, std::int64_t at) {
  return engine_.writer().run_for<FriendRequestOutcome>([&](Database& db) -> Result<FriendRequestOutcome> {
    MC_TRY(bool friends, are_friends(db, from_id, to_id));
    if (friends) return Error::already_exists("already_friends", "you are friends already");
    MC_TRY(bool blocking, exists(db, "SELECT 1 FROM blocks WHERE user_id = ? AND blocked_id = ?", from_id, to_id));
    if (blocking) return Error::failed_precondition("you_block_them", "you block them: unblock them first");
    // They asked first: asking back is accepting, whatever their policy.
    MC_TRY(bool asked, exists(db, "SELECT 1 FROM friend_requests WHERE from_id = ? AND to_id = ?", to_id, from_id));
    if (asked) {
      MC_TRY_STATUS(befriend(db, from_id, to_id, at));
      MC_TRY(auto d, append_person_item(db, to_id, ItemKind::kFriendAccepted, from_id, "", at));
      return FriendRequestOutcome{FriendRequestOutcome::State::kAccepted, d};
    }
    MC_TRY(auto refused, refusing(db, "who_may_request", from_id, {to_id}));
    if (!refused.empty()) return FriendRequestOutcome{FriendRequestOutcome::State::kRefused, std::nullopt};
    MC_TRY(auto ins, db.prepare("INSERT INTO friend_requests (from_id, to_id, message, created_at) "
                                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1"));
    ins.bind(1, from_id).bind(2, to_id).bind(3, message).bind(4, at);
    MC_TRY(bool inserted, ins.step());
    if (!inserted) return Error::already_exists("request_pending", "you asked already; they have not answered yet");
    MC_TRY_STATUS(ins.step());
    MC_TRY(auto d, append_person_item(db, to_id, ItemKind::kFriendRequest, from_id, message, at));
    return FriendRequestOutcome{FriendRequestOutcome::State::kSent, d};
  });
}

Result<FriendRequests> SqliteSocialStore::friend_requests(std::int64_t user_id) {
  auto db = engine_.reader();
  FriendRequests out;
  for (bool incoming : {true, false}) {
    // The other side of each request, then this user.
    MC_TRY(auto st, db->prepare(std::string("SELECT ") + kPersonColumns + "r.created_at, r.message " +
                                "FROM friend_requests r" + person_join(incoming ? "r.from_id" : "r.to_id") +
                                (incoming ? "WHERE r.to_id = ?" : "WHERE r.from_id = ?") + " ORDER BY r.created_at"));
    st.bind(1, user_id);
    for (;;) {
      MC_TRY(bool row, st.step());
      if (!row) break;
      Person other{st.int64(0), st.text(1), st.text(2), st.int64(3)};
      FriendRequest r;
      r.message = st.text(4);
      r.created_at = st.int64(3);
      if (incoming) {
        r.from = other;
        r.to.user_id = user_id;
        out.incoming.push_back(std::move(r));
      } else {
        r.to = other;
        r.from.user_id = user_id;
        out.outgoing.push_back(std::move(r));
      }
    }
  }
  return out;
}

Result<Delivery> SqliteSocialStore::accept_friend_request(std::int64_t to_id, std::int64_t from_id, std::int64_t at) {
  return engine_.writer().run_for<Delivery>([&](Database& db) -> Result<Delivery> {
    MC_TRY(bool asked, exists(db, "SELECT 1 FROM friend_requests WHERE from_id = ? AND to_id = ?", from_id, to_id));
    if (!asked) return Error::not_found("request_not_found", "no friend request from them is waiting");
    MC_TRY_STATUS(befriend(db, from_id, to_id, at));
    return append_person_item(db, from_id, ItemKind::kFriendAccepted, to_id, "", at);
  });
}

Status SqliteSocialStore::drop_friend_request(std::int64_t from_id, std::int64_t to_id) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("DELETE FROM friend_requests WHERE from_id = ? AND to_id = ? RETURNING 1"));
    st.bind(1, from_id).bind(2, to_id);
    return delete_some(st, "request_not_found", "no such friend request is waiting");
  });
}

Result<std::vector<Person>> SqliteSocialStore::friends(std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT ") + kPersonColumns + "f.since FROM friendships f" +
                              person_join("f.friend_id") + "WHERE f.user_id = ? ORDER BY u.network_id"));
  st.bind(1, user_id);
  return read_people(st);
}

Status SqliteSocialStore::remove_friend(std::int64_t user_id, std::int64_t friend_id) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("DELETE FROM friendships WHERE (user_id = ?1 AND friend_id = ?2) OR "
                               "(user_id = ?2 AND friend_id = ?1) RETURNING 1"));
    st.bind(1, user_id).bind(2, friend_id);
    return delete_some(st, "not_friends", "you are not friends");
  });
}

// ---- blocks --------------------------------------------------------------------

Status SqliteSocialStore::block(std::int64_t user_id, std::int64_t blocked_id, std::int64_t at) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("INSERT OR IGNORE INTO blocks (user_id, blocked_id, since) VALUES (?, ?, ?)"));
    st.bind(1, user_id).bind(2, blocked_id).bind(3, at);
    MC_TRY_STATUS(st.run());
    return drop_between(db, user_id, blocked_id);
  });
}

Status SqliteSocialStore::unblock(std::int64_t user_id, std::int64_t blocked_id) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("DELETE FROM blocks WHERE user_id = ? AND blocked_id = ? RETURNING 1"));
    st.bind(1, user_id).bind(2, blocked_id);
    return delete_some(st, "not_blocked", "you do not block them");
  });
}

Result<std::vector<Person>> SqliteSocialStore::blocked(std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT ") + kPersonColumns + "b.since FROM blocks b" +
                              person_join("b.blocked_id") + "WHERE b.user_id = ? ORDER BY u.network_id"));
  st.bind(1, user_id);
  return read_people(st);
}

Result<std::set<std::int64_t>> SqliteSocialStore::refusing_shares(std::int64_t sender_id,
                                                                  const std::vector<std::int64_t>& recipient_ids) {
  auto db = engine_.reader();
  return refusing(*db, "who_may_share", sender_id, recipient_ids);
}

Result<std::set<std::int64_t>> refusing_shares_in(Database& db, std::int64_t sender_id,
                                                  const std::vector<std::int64_t>& recipient_ids) {
  return refusing(db, "who_may_share", sender_id, recipient_ids);
}

}  // namespace mc::store::sqlite
