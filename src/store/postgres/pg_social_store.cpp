// PgSocialStore: profiles, own identifiers, the matching key, contacts,
// friends and blocks on PostgreSQL.
#include "core/clock.hpp"
#include "store/postgres/pg_stores.hpp"
#include "store/rules/reach_rules.hpp"

namespace mc::store::postgres {

const PgSchema& social_schema() {
  static const PgSchema schema{"social",
                               {
                                   R"sql(
CREATE TABLE profiles (
  user_id           BIGINT PRIMARY KEY REFERENCES users(id),
  display_name      TEXT NOT NULL DEFAULT '',
  region            TEXT NOT NULL DEFAULT '',
  findable_by_phone BOOLEAN NOT NULL DEFAULT false,
  findable_by_email BOOLEAN NOT NULL DEFAULT false,
  who_may_share     TEXT NOT NULL DEFAULT 'everyone',
  who_may_request   TEXT NOT NULL DEFAULT 'everyone'
);
CREATE TABLE identifiers (
  user_id     BIGINT NOT NULL REFERENCES users(id),
  kind        TEXT NOT NULL,  -- 'phone' (E.164) | 'email'
  value       TEXT NOT NULL,
  tag         TEXT NOT NULL,  -- hex: the OPRF tag address books match
  verified_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, kind),
  UNIQUE (kind, value)
);
CREATE UNIQUE INDEX identifiers_by_tag ON identifiers(tag);
CREATE TABLE verification_codes (
  user_id    BIGINT NOT NULL REFERENCES users(id),
  kind       TEXT NOT NULL,
  value      TEXT NOT NULL,
  code_hash  TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  attempts   INT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, kind)
);
CREATE TABLE social_secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE contacts (
  owner_id   BIGINT NOT NULL REFERENCES users(id),
  contact_id BIGINT NOT NULL REFERENCES users(id),
  since      BIGINT NOT NULL,
  PRIMARY KEY (owner_id, contact_id)
);
CREATE TABLE friend_requests (
  from_id    BIGINT NOT NULL REFERENCES users(id),
  to_id      BIGINT NOT NULL REFERENCES users(id),
  message    TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (from_id, to_id)
);
CREATE INDEX friend_requests_by_to ON friend_requests(to_id, from_id);
CREATE TABLE friendships (  -- both directions, one row each
  user_id   BIGINT NOT NULL REFERENCES users(id),
  friend_id BIGINT NOT NULL REFERENCES users(id),
  since     BIGINT NOT NULL,
  PRIMARY KEY (user_id, friend_id)
);
CREATE TABLE blocks (
  user_id    BIGINT NOT NULL REFERENCES users(id),
  blocked_id BIGINT NOT NULL REFERENCES users(id),
  since      BIGINT NOT NULL,
  PRIMARY KEY (user_id, blocked_id)
);
)sql",
                               }};
  return schema;
}

const std::vector<std::string_view>& social_forget_user() {
  static const std::vector<std::string_view> statements = {
      "DELETE FROM profiles WHERE user_id = $1",
      "DELETE FROM identifiers WHERE user_id = $1",
      "DELETE FROM verification_codes WHERE user_id = $1",
      "DELETE FROM contacts WHERE owner_id = $1 OR contact_id = $1",
      "DELETE FROM friend_requests WHERE from_id = $1 OR to_id = $1",
      "DELETE FROM friendships WHERE user_id = $1 OR friend_id = $1",
      "DELETE FROM blocks WHERE user_id = $1 OR blocked_id = $1"};
  return statements;
}

namespace {

using wire::ItemKind;

std::string str(std::int64_t v) { return std::to_string(v); }

// A statement whose rows nobody reads.
Status run(pg::Connection& c, std::string_view sql, const std::vector<Param>& params) {
  MC_TRY_STATUS(c.query(sql, params));
  return {};
}

Param opt(const std::optional<std::string>& v) { return v ? Param(*v) : Param(); }
Param opt(const std::optional<bool>& v) { return v ? Param(*v ? "true" : "false") : Param(); }
Param opt(const std::optional<Reach>& v) { return v ? Param(std::string(reach_name(*v))) : Param(); }

constexpr const char* kPersonColumns = "u.id, u.network_id, coalesce(pr.display_name, ''), ";

std::string person_join(const std::string& id_column) {
  return " JOIN users u ON u.id = " + id_column + " LEFT JOIN profiles pr ON pr.user_id = u.id ";
}

std::vector<Person> read_people(const Rows& rows) {
  std::vector<Person> out;
  for (int i = 0; i < rows.size(); ++i) {
    out.push_back(Person{rows.int64(i, 0), rows.text(i, 1), rows.text(i, 2), rows.int64(i, 3)});
  }
  return out;
}

Result<bool> exists(pg::Connection& c, const std::string& sql, std::int64_t a, std::int64_t b) {
  MC_TRY(auto rows, c.query(sql, {str(a), str(b)}));
  return !rows.empty();
}

Result<std::set<std::int64_t>> refusing(pg::Connection& c, const char* policy_column, std::int64_t sender_id,
                                        const std::vector<std::int64_t>& recipient_ids) {
  MC_TRY(auto rows, c.query(std::string("SELECT r.id, coalesce(p.") + policy_column +
                                ", 'everyone'), "
                                "(EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = r.id AND b.blocked_id = $1) OR "
                                // A closed account accepts nothing, as a block would.
                                "EXISTS (SELECT 1 FROM users cu WHERE cu.id = r.id AND cu.closed_at IS NOT NULL)), "
                                "EXISTS (SELECT 1 FROM friendships f WHERE f.user_id = r.id AND f.friend_id = $1), "
                                "EXISTS (SELECT 1 FROM contacts c WHERE c.owner_id = r.id AND c.contact_id = $1) "
                                "FROM unnest($2::bigint[]) AS r(id) LEFT JOIN profiles p ON p.user_id = r.id",
                            {str(sender_id), pg::int_array(recipient_ids)}));
  std::set<std::int64_t> out;
  for (int i = 0; i < rows.size(); ++i) {
    rules::ReachFacts f{parse_reach(rows.text(i, 1)).value_or(Reach::kEveryone), rows.boolean(i, 2), rows.boolean(i, 3),
                        rows.boolean(i, 4)};
    if (!rules::may_reach(f)) out.insert(rows.int64(i, 0));
  }
  return out;
}

// Orders everything that happens between two users (requests both ways,
// accepting, blocking) on every node: one advisory lock per pair.
Status lock_pair(pg::Connection& c, std::int64_t a, std::int64_t b) {
  auto lo = std::min(a, b), hi = std::max(a, b);
  return run(c, "SELECT pg_advisory_xact_lock(3, hashtext($1))", {str(lo) + ":" + str(hi)});
}

Status drop_between(pg::Connection& c, std::int64_t a, std::int64_t b) {
  MC_TRY_STATUS(
      c.query("DELETE FROM friendships WHERE (user_id = $1 AND friend_id = $2) OR "
              "(user_id = $2 AND friend_id = $1)",
              {str(a), str(b)}));
  return run(c, "DELETE FROM friend_requests WHERE (from_id = $1 AND to_id = $2) OR (from_id = $2 AND to_id = $1)",
             {str(a), str(b)});
}

Status befriend(pg::Connection& c, std::int64_t a, std::int64_t b, std::int64_t at) {
  MC_TRY_STATUS(drop_between(c, a, b));
  return run(c, "INSERT INTO friendships (user_id, friend_id, since) VALUES ($1, $2, $3), ($2, $1, $3)",
             {str(a), str(b), str(at)});
}

Result<Profile> load_profile(pg::Connection& c, std::int64_t user_id) {
  MC_TRY(auto rows, c.query("SELECT display_name, region, findable_by_phone, findable_by_email, who_may_share, "
                            "who_may_request FROM profiles WHERE user_id = $1",
                            {str(user_id)}));
  Profile p;
  if (rows.empty()) return p;
  p.display_name = rows.text(0, 0);
  p.region = rows.text(0, 1);
  p.findable_by_phone = rows.boolean(0, 2);
  p.findable_by_email = rows.boolean(0, 3);
  p.who_may_share = parse_reach(rows.text(0, 4)).value_or(Reach::kEveryone);
  p.who_may_request = parse_reach(rows.text(0, 5)).value_or(Reach::kEveryone);
  return p;
}

// Identifiers the viewer may find: their owners let themselves be found
// that way, are not the viewer and do not block the viewer.
constexpr const char* kFindable =
    "FROM identifiers i JOIN profiles p ON p.user_id = i.user_id JOIN users u ON u.id = i.user_id "
    "WHERE ((i.kind = 'phone' AND p.findable_by_phone) OR (i.kind = 'email' AND p.findable_by_email)) "
    "AND i.user_id != $1 AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = i.user_id AND b.blocked_id = $1) ";

}  // namespace

Result<std::set<std::int64_t>> refusing_shares_in(pg::Connection& c, std::int64_t sender_id,
                                                  const std::vector<std::int64_t>& recipient_ids) {
  return refusing(c, "who_may_share", sender_id, recipient_ids);
}

// ---- profiles ----------------------------------------------------------------

Result<Profile> PgSocialStore::profile(std::int64_t user_id) {
  return e_.read<Profile>([&](pg::Connection& c) { return load_profile(c, user_id); });
}

Result<Profile> PgSocialStore::change_profile(std::int64_t user_id, const ProfileChange& ch) {
  return e_.transact<Profile>([&](pg::Connection& c) -> Result<Profile> {
    MC_TRY_STATUS(c.query("INSERT INTO profiles (user_id) VALUES ($1) ON CONFLICT DO NOTHING", {str(user_id)}));
    MC_TRY_STATUS(c.query(
        "UPDATE profiles SET display_name = coalesce($2, display_name), region = coalesce($3, region), "
        "findable_by_phone = coalesce($4::boolean, findable_by_phone), "
        "findable_by_email = coalesce($5::boolean, findable_by_email), who_may_share = coalesce($6, who_may_share), "
        "who_may_request = coalesce($7, who_may_request) WHERE user_id = $1",
        {str(user_id), opt(ch.display_name), opt(ch.region), opt(ch.findable_by_phone), opt(ch.findable_by_email),
         opt(ch.who_may_share), opt(ch.who_may_request)}));
    return load_profile(c, user_id);
  });
}

// ---- own identifiers ---------------------------------------------------------

Result<std::vector<Identifier>> PgSocialStore::identifiers(std::int64_t user_id) {
  return e_.read<std::vector<Identifier>>([&](pg::Connection& c) -> Result<std::vector<Identifier>> {
    MC_TRY(auto rows, c.query("SELECT kind, value, verified_at, 0 FROM identifiers WHERE user_id = $1 UNION ALL "
                              "SELECT kind, value, NULL, expires_at FROM verification_codes WHERE user_id = $1 "
                              "AND attempts < $2 ORDER BY 1, 3 DESC NULLS LAST",
                              {str(user_id), str(kMaxVerificationAttempts)}));
    std::vector<Identifier> out;
    for (int i = 0; i < rows.size(); ++i) {
      Identifier id{rows.text(i, 0), rows.text(i, 1), std::nullopt, rows.int64(i, 3)};
      if (!rows.is_null(i, 2)) id.verified_at = rows.int64(i, 2);
      out.push_back(std::move(id));
    }
    return out;
  });
}

Status PgSocialStore::put_pending_code(std::int64_t user_id, const PendingCode& code) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    return run(c,
               "INSERT INTO verification_codes (user_id, kind, value, code_hash, expires_at, attempts) "
               "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, kind) DO UPDATE SET value = excluded.value, "
               "code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = excluded.attempts",
               {str(user_id), code.kind, code.value, code.code_hash, str(code.expires_at), str(code.attempts)});
  });
}

Result<std::vector<PendingCode>> PgSocialStore::pending_codes(std::int64_t user_id) {
  return e_.read<std::vector<PendingCode>>([&](pg::Connection& c) -> Result<std::vector<PendingCode>> {
    MC_TRY(auto rows, c.query("SELECT kind, value, code_hash, expires_at, attempts FROM verification_codes "
                              "WHERE user_id = $1 ORDER BY kind",
                              {str(user_id)}));
    std::vector<PendingCode> out;
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(PendingCode{rows.text(i, 0), rows.text(i, 1), rows.text(i, 2), rows.int64(i, 3),
                                static_cast<int>(rows.int64(i, 4))});
    }
    return out;
  });
}

Result<std::vector<PendingCode>> PgSocialStore::take_verification_attempt(std::int64_t user_id) {
  return e_.transact<std::vector<PendingCode>>([&](pg::Connection& c) -> Result<std::vector<PendingCode>> {
    MC_TRY(auto rows, c.query("UPDATE verification_codes SET attempts = attempts + 1 WHERE user_id = $1 AND "
                              "attempts < $2 RETURNING kind, value, code_hash, expires_at, attempts",
                              {str(user_id), str(kMaxVerificationAttempts)}));
    std::vector<PendingCode> out;
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(PendingCode{rows.text(i, 0), rows.text(i, 1), rows.text(i, 2), rows.int64(i, 3),
                                static_cast<int>(rows.int64(i, 4))});
    }
    return out;
  });
}

Status PgSocialStore::confirm_identifier(std::int64_t user_id, const std::string& kind, const std::string& value,
                                         const std::string& code_hash, const std::string& tag, std::int64_t at) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto used, c.query("DELETE FROM verification_codes WHERE user_id = $1 AND kind = $2 AND code_hash = $3 "
                              "RETURNING 1",
                              {str(user_id), kind, code_hash}));
    if (used.empty()) return Error::invalid_argument("invalid_code", "that code is no longer valid: ask for a new one");
    // Two users confirming one value at once: one after the other.
    MC_TRY_STATUS(c.query("SELECT pg_advisory_xact_lock(4, hashtext($1))", {kind + ":" + value}));
    // Whoever proves a number or address now holds it.
    MC_TRY_STATUS(c.query("DELETE FROM identifiers WHERE kind = $1 AND value = $2 AND user_id != $3",
                          {kind, value, str(user_id)}));
    return run(c,
               "INSERT INTO identifiers (user_id, kind, value, tag, verified_at) VALUES ($1, $2, $3, $4, $5) "
               "ON CONFLICT (user_id, kind) DO UPDATE SET value = excluded.value, tag = excluded.tag, "
               "verified_at = excluded.verified_at",
               {str(user_id), kind, value, tag, str(at)});
  });
}

Status PgSocialStore::remove_identifier(std::int64_t user_id, const std::string& kind) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto codes, c.query("DELETE FROM verification_codes WHERE user_id = $1 AND kind = $2 RETURNING 1",
                               {str(user_id), kind}));
    MC_TRY(auto ids,
           c.query("DELETE FROM identifiers WHERE user_id = $1 AND kind = $2 RETURNING 1", {str(user_id), kind}));
    if (codes.empty() && ids.empty()) {
      return Error::not_found("identifier_not_found", "you have no " + kind + " on record");
    }
    return {};
  });
}

// ---- address-book matching ---------------------------------------------------

Result<std::string> PgSocialStore::oprf_key(const std::string& candidate) {
  return e_.transact<std::string>([&](pg::Connection& c) -> Result<std::string> {
    MC_TRY_STATUS(c.query("INSERT INTO social_secrets (name, value) VALUES ('oprf_key', $1) ON CONFLICT DO NOTHING",
                          {candidate}));
    MC_TRY(auto rows, c.query("SELECT value FROM social_secrets WHERE name = 'oprf_key'"));
    if (rows.empty()) return Error::internal("the matching key vanished");
    return rows.text(0, 0);
  });
}

Result<std::vector<std::string>> PgSocialStore::directory_tags(std::int64_t viewer_id) {
  return e_.read<std::vector<std::string>>([&](pg::Connection& c) -> Result<std::vector<std::string>> {
    MC_TRY(auto rows,
           c.query(std::string("SELECT i.tag ") + kFindable + "ORDER BY i.tag COLLATE \"C\"", {str(viewer_id)}));
    std::vector<std::string> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(rows.text(i, 0));
    return out;
  });
}

Result<std::vector<DirectoryEntry>> PgSocialStore::find_by_tags(std::int64_t viewer_id,
                                                                const std::vector<std::string>& tags) {
  return e_.read<std::vector<DirectoryEntry>>([&](pg::Connection& c) -> Result<std::vector<DirectoryEntry>> {
    MC_TRY(auto rows, c.query(std::string("SELECT i.tag, u.id, u.network_id, p.display_name, i.verified_at ") +
                                  kFindable + "AND i.tag = ANY($2::text[]) ORDER BY u.network_id COLLATE \"C\"",
                              {str(viewer_id), pg::text_array(tags)}));
    std::vector<DirectoryEntry> out;
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(DirectoryEntry{rows.text(i, 0),
                                   Person{rows.int64(i, 1), rows.text(i, 2), rows.text(i, 3), rows.int64(i, 4)}});
    }
    return out;
  });
}

Status PgSocialStore::replace_contacts(std::int64_t owner_id, const std::vector<std::int64_t>& contact_ids) {
  if (contact_ids.size() > kMaxContacts) {
    return Error::invalid_argument("too_many_contacts",
                                   "an address book matches at most " + std::to_string(kMaxContacts) + " users");
  }
  return e_.transact_status([&](pg::Connection& c) -> Status {
    std::string ids = pg::int_array(contact_ids);
    MC_TRY_STATUS(c.query("DELETE FROM contacts WHERE owner_id = $1 AND NOT (contact_id = ANY($2::bigint[]))",
                          {str(owner_id), ids}));
    return run(c,
               "INSERT INTO contacts (owner_id, contact_id, since) SELECT $1, u, $3 FROM unnest($2::bigint[]) AS u "
               "WHERE u != $1 ON CONFLICT DO NOTHING",
               {str(owner_id), ids, str(now_ms())});
  });
}

Result<std::vector<Person>> PgSocialStore::contacts(std::int64_t owner_id) {
  return e_.read<std::vector<Person>>([&](pg::Connection& c) -> Result<std::vector<Person>> {
    MC_TRY(auto rows,
           c.query(std::string("SELECT ") + kPersonColumns + "c.since FROM contacts c" + person_join("c.contact_id") +
                       "WHERE c.owner_id = $1 ORDER BY u.network_id COLLATE \"C\"",
                   {str(owner_id)}));
    return read_people(rows);
  });
}

// ---- friends -------------------------------------------------------------------

Result<FriendRequestOutcome> PgSocialStore::send_friend_request(std::int64_t from_id, std::int64_t to_id,
                                                                const std::string& message, std::int64_t at) {
  return e_.transact<FriendRequestOutcome>([&](pg::Connection& c) -> Result<FriendRequestOutcome> {
    MC_TRY_STATUS(lock_pair(c, from_id, to_id));
    MC_TRY(bool friends, exists(c, "SELECT 1 FROM friendships WHERE user_id = $1 AND friend_id = $2", from_id, to_id));
    if (friends) return Error::already_exists("already_friends", "you are friends already");
    MC_TRY(bool blocking, exists(c, "SELECT 1 FROM blocks WHERE user_id = $1 AND blocked_id = $2", from_id, to_id));
    if (blocking) return Error::failed_precondition("you_block_them", "you block them: unblock them first");
    // They asked first: asking back is accepting, whatever their policy.
    MC_TRY(bool asked, exists(c, "SELECT 1 FROM friend_requests WHERE from_id = $1 AND to_id = $2", to_id, from_id));
    if (asked) {
      MC_TRY_STATUS(befriend(c, from_id, to_id, at));
      MC_TRY(auto d, append_person_item(c, to_id, ItemKind::kFriendAccepted, from_id, "", at));
      return FriendRequestOutcome{FriendRequestOutcome::State::kAccepted, d};
    }
    MC_TRY(auto refused, refusing(c, "who_may_request", from_id, {to_id}));
    if (!refused.empty()) return FriendRequestOutcome{FriendRequestOutcome::State::kRefused, std::nullopt};
    MC_TRY(auto ins, c.query("INSERT INTO friend_requests (from_id, to_id, message, created_at) "
                             "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
                             {str(from_id), str(to_id), message, str(at)}));
    if (ins.empty()) return Error::already_exists("request_pending", "you asked already; they have not answered yet");
    MC_TRY(auto d, append_person_item(c, to_id, ItemKind::kFriendRequest, from_id, message, at));
    return FriendRequestOutcome{FriendRequestOutcome::State::kSent, d};
  });
}

Result<FriendRequests> PgSocialStore::friend_requests(std::int64_t user_id) {
  return e_.read<FriendRequests>([&](pg::Connection& c) -> Result<FriendRequests> {
    FriendRequests out;
    for (bool incoming : {true, false}) {
      MC_TRY(auto rows,
             c.query(std::string("SELECT ") + kPersonColumns + "r.created_at, r.message " + "FROM friend_requests r" +
                         person_join(incoming ? "r.from_id" : "r.to_id") +
                         (incoming ? "WHERE r.to_id = $1" : "WHERE r.from_id = $1") + " ORDER BY r.created_at",
                     {str(user_id)}));
      for (int i = 0; i < rows.size(); ++i) {
        Person other{rows.int64(i, 0), rows.text(i, 1), rows.text(i, 2), rows.int64(i, 3)};
        FriendRequest r;
        r.message = rows.text(i, 4);
        r.created_at = rows.int64(i, 3);
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
  });
}

Result<Delivery> PgSocialStore::accept_friend_request(std::int64_t to_id, std::int64_t from_id, std::int64_t at) {
  return e_.transact<Delivery>([&](pg::Connection& c) -> Result<Delivery> {
    MC_TRY_STATUS(lock_pair(c, from_id, to_id));
    MC_TRY(bool asked, exists(c, "SELECT 1 FROM friend_requests WHERE from_id = $1 AND to_id = $2", from_id, to_id));
    if (!asked) return Error::not_found("request_not_found", "no friend request from them is waiting");
    MC_TRY_STATUS(befriend(c, from_id, to_id, at));
    return append_person_item(c, from_id, ItemKind::kFriendAccepted, to_id, "", at);
  });
}

Status PgSocialStore::drop_friend_request(std::int64_t from_id, std::int64_t to_id) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto rows, c.query("DELETE FROM friend_requests WHERE from_id = $1 AND to_id = $2 RETURNING 1",
                              {str(from_id), str(to_id)}));
    if (rows.empty()) return Error::not_found("request_not_found", "no such friend request is waiting");
    return {};
  });
}

Result<std::vector<Person>> PgSocialStore::friends(std::int64_t user_id) {
  return e_.read<std::vector<Person>>([&](pg::Connection& c) -> Result<std::vector<Person>> {
    MC_TRY(auto rows,
           c.query(std::string("SELECT ") + kPersonColumns + "f.since FROM friendships f" + person_join("f.friend_id") +
                       "WHERE f.user_id = $1 ORDER BY u.network_id COLLATE \"C\"",
                   {str(user_id)}));
    return read_people(rows);
  });
}

Status PgSocialStore::remove_friend(std::int64_t user_id, std::int64_t friend_id) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto rows, c.query("DELETE FROM friendships WHERE (user_id = $1 AND friend_id = $2) OR "
                              "(user_id = $2 AND friend_id = $1) RETURNING 1",
                              {str(user_id), str(friend_id)}));
    if (rows.empty()) return Error::not_found("not_friends", "you are not friends");
    return {};
  });
}

// ---- blocks --------------------------------------------------------------------

Status PgSocialStore::block(std::int64_t user_id, std::int64_t blocked_id, std::int64_t at) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(lock_pair(c, user_id, blocked_id));
    MC_TRY_STATUS(c.query("INSERT INTO blocks (user_id, blocked_id, since) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                          {str(user_id), str(blocked_id), str(at)}));
    return drop_between(c, user_id, blocked_id);
  });
}

Status PgSocialStore::unblock(std::int64_t user_id, std::int64_t blocked_id) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto rows, c.query("DELETE FROM blocks WHERE user_id = $1 AND blocked_id = $2 RETURNING 1",
                              {str(user_id), str(blocked_id)}));
    if (rows.empty()) return Error::not_found("not_blocked", "you do not block them");
    return {};
  });
}

Result<std::vector<Person>> PgSocialStore::blocked(std::int64_t user_id) {
  return e_.read<std::vector<Person>>([&](pg::Connection& c) -> Result<std::vector<Person>> {
    MC_TRY(auto rows,
           c.query(std::string("SELECT ") + kPersonColumns + "b.since FROM blocks b" + person_join("b.blocked_id") +
                       "WHERE b.user_id = $1 ORDER BY u.network_id COLLATE \"C\"",
                   {str(user_id)}));
    return read_people(rows);
  });
}

Result<std::set<std::int64_t>> PgSocialStore::refusing_shares(std::int64_t sender_id,
                                                              const std::vector<std::int64_t>& recipient_ids) {
  return e_.read<std::set<std::int64_t>>(
      [&](pg::Connection& c) { return refusing(c, "who_may_share", sender_id, recipient_ids); });
}

}  // namespace mc::store::postgres
