// PgDeliveryStore: shares, inboxes, device cursors and receipts on
// PostgreSQL, with many nodes writing at once.
//
// Gapless seqs: a share takes its recipients' head locks (advisory locks on
// the user ids, in id order, so that no two bumps wait in a cycle) and bumps
// their heads in its transaction. Another
// share to the same user waits for that lock, so it takes the next seq only
// after the first has committed or rolled back: no gap, no duplicate, and a
// crash before the commit leaves neither head nor item.
#include <algorithm>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/postgres/pg_stores.hpp"
#include "store/rules/delivery_rules.hpp"

namespace mc::store::postgres {

const PgSchema& delivery_schema() {
  static const PgSchema schema{"delivery",
                               {
                                   R"sql(
CREATE TABLE shares (
  id              TEXT PRIMARY KEY,
  sender_id       BIGINT NOT NULL REFERENCES users(id),
  resource_id     TEXT NOT NULL REFERENCES resources(id),
  note            TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  kind            TEXT NOT NULL DEFAULT 'share',
  client_id       TEXT,
  fingerprint     TEXT,
  parent_share_id TEXT REFERENCES shares(id),
  chain           TEXT NOT NULL DEFAULT '[]'  -- JSON: earlier senders, original first
);
CREATE UNIQUE INDEX shares_by_client_id ON shares(sender_id, client_id) WHERE client_id IS NOT NULL;
CREATE TABLE inbox_items (
  user_id         BIGINT NOT NULL REFERENCES users(id),
  seq             BIGINT NOT NULL,
  id              TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL,
  share_id        TEXT REFERENCES shares(id),
  created_at      BIGINT NOT NULL,
  delivered_at    BIGINT,
  opened_at       BIGINT,
  receipt_user_id BIGINT REFERENCES users(id),  -- kind 'receipt': who opened
  PRIMARY KEY (user_id, seq)
);
CREATE INDEX inbox_items_by_share ON inbox_items(share_id);
CREATE TABLE device_cursors (
  user_id    BIGINT NOT NULL REFERENCES users(id),
  device_id  TEXT NOT NULL,
  acked_seq  BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id)
);
)sql",
                                   // 2: revoking shares; finding the shares that gave a user a resource
                                   // (docs/catalog.md "Access").
                                   R"sql(
ALTER TABLE shares ADD COLUMN revoked_at BIGINT;
ALTER TABLE shares ADD COLUMN access_from BIGINT;  -- the root share's created_at (forwards inherit it)
WITH RECURSIVE roots(id, root_time) AS (
  SELECT id, created_at FROM shares WHERE parent_share_id IS NULL
  UNION ALL
  SELECT s.id, r.root_time FROM shares s JOIN roots r ON s.parent_share_id = r.id)
UPDATE shares SET access_from = roots.root_time FROM roots WHERE roots.id = shares.id;
CREATE INDEX shares_by_resource ON shares(resource_id);
CREATE INDEX shares_by_parent ON shares(parent_share_id) WHERE parent_share_id IS NOT NULL;
)sql",
                                   // 3: items about people (friend requests), shares that some named
                                   // recipients refused (docs/protocol.md "People").
                                   R"sql(
ALTER TABLE inbox_items ADD COLUMN actor_id BIGINT REFERENCES users(id);  -- friend events: the other user
ALTER TABLE inbox_items ADD COLUMN text TEXT;                             -- friend requests: the message
ALTER TABLE shares ADD COLUMN refused TEXT NOT NULL DEFAULT '[]';  -- JSON: named recipients who refused it
)sql",
                                   // 4: pushes (docs/pushes.md): the resource, campaign and reason
                                   // of an item of kind 'push'; its sender is actor_id, the provider.
                                   R"sql(
ALTER TABLE inbox_items ADD COLUMN resource_id TEXT;
ALTER TABLE inbox_items ADD COLUMN campaign_id TEXT;
ALTER TABLE inbox_items ADD COLUMN reason TEXT;
)sql",
                               }};
  return schema;
}

const std::vector<std::string_view>& delivery_forget_user() {
  static const std::vector<std::string_view> statements = {"DELETE FROM inbox_items WHERE user_id = $1",
                                                           "DELETE FROM device_cursors WHERE user_id = $1"};
  return statements;
}

namespace {

using wire::ItemKind;

// An inbox item with its share, sender and resource. A receipt's "sender" is
// the recipient who opened; its share is the share it reports on. A friend
// event has no share: its sender is the other user, its note their message.
const std::string kItemSelect =
    "SELECT i.id, i.seq, i.kind, coalesce(i.share_id, ''), i.created_at, "
    "CASE WHEN i.kind = 'receipt' THEN '' ELSE coalesce(s.note, i.text, '') END, "
    "CASE WHEN i.kind = 'receipt' THEN ru.network_id WHEN i.actor_id IS NOT NULL THEN au.network_id "
    "ELSE su.network_id END, coalesce(s.chain, '[]'), " +
    std::string(kResourceColumns) + ", coalesce(i.campaign_id, ''), coalesce(i.reason, '')" +
    " FROM inbox_items i LEFT JOIN shares s ON s.id = i.share_id LEFT JOIN users su ON su.id = s.sender_id "
    "LEFT JOIN users ru ON ru.id = i.receipt_user_id LEFT JOIN users au ON au.id = i.actor_id "
    "LEFT JOIN resources r ON r.id = coalesce(s.resource_id, i.resource_id) " +
    kResourceLeftJoins + " ";

InboxItem read_item(const Rows& rows, int r) {
  InboxItem it;
  it.id = rows.text(r, 0);
  it.seq = rows.int64(r, 1);
  it.kind = wire::parse_item_kind(rows.text(r, 2)).value_or(ItemKind::kShare);
  it.share_id = rows.text(r, 3);
  it.created_at = rows.int64(r, 4);
  it.note = rows.text(r, 5);
  it.sender = rows.text(r, 6);
  it.chain = strings_from_json(rows.text(r, 7));
  if (!rows.is_null(r, 8)) it.resource = read_resource(rows, r, 8);
  it.campaign_id = rows.text(r, 8 + kResourceColumnCount);
  it.reason = rows.text(r, 9 + kResourceColumnCount);
  return it;
}

Result<Share> load_share(pg::Connection& c, const std::string& id) {
  MC_TRY(auto rows, c.query("SELECT s.id, s.sender_id, u.network_id, s.resource_id, s.note, s.kind, s.chain, "
                            "s.created_at, s.revoked_at, s.refused FROM shares s JOIN users u ON u.id = s.sender_id "
                            "WHERE s.id = $1",
                            {id}));
  if (rows.empty()) return Error::not_found("share_not_found", "no share with id '" + id + "'");
  Share sh{rows.text(0, 0),
           rows.int64(0, 1),
           rows.text(0, 2),
           rows.text(0, 3),
           rows.text(0, 4),
           wire::parse_item_kind(rows.text(0, 5)).value_or(ItemKind::kShare),
           strings_from_json(rows.text(0, 6)),
           {},
           rows.int64(0, 7),
           rows.is_null(0, 8) ? std::nullopt : std::optional<std::int64_t>(rows.int64(0, 8)),
           strings_from_json(rows.text(0, 9))};
  MC_TRY(auto rs, c.query("SELECT u.network_id FROM inbox_items i JOIN users u ON u.id = i.user_id "
                          "WHERE i.share_id = $1 AND i.kind != 'receipt' ORDER BY u.network_id COLLATE \"C\"",
                          {id}));
  for (int i = 0; i < rs.size(); ++i) sh.recipients.push_back(rs.text(i, 0));
  return sh;
}

// Locks the users' rows in id order and bumps their heads. Returns each
// user's new seq. Errors: kNotFound "user_not_found" if one is missing.
Result<std::unordered_map<std::int64_t, std::int64_t>> bump_heads(pg::Connection& c, std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  std::string arr = pg::int_array(ids);
  // Each user's inbox head is guarded by a transaction-scoped advisory lock
  // on the user id, taken in id order in one statement; every bump takes
  // them, so two transactions can never wait on each other's heads in a
  // cycle. (Row locks taken by FOR [NO KEY] UPDATE in a sorted sub-select
  // did deadlock under crossing sends: PostgreSQL re-locks updated row
  // versions outside that order.) The UPDATE that follows then meets no
  // other bump on these rows.
  MC_TRY_STATUS(
      c.query("SELECT pg_advisory_xact_lock(id) FROM "
              "(SELECT DISTINCT u AS id FROM unnest($1::bigint[]) AS u ORDER BY 1) AS s",
              {arr}));
  MC_TRY(auto rows,
         c.query("UPDATE users SET inbox_head = inbox_head + 1 WHERE id = ANY($1::bigint[]) RETURNING id, inbox_head",
                 {arr}));
  std::unordered_map<std::int64_t, std::int64_t> seq_of;
  for (int i = 0; i < rows.size(); ++i) seq_of[rows.int64(i, 0)] = rows.int64(i, 1);
  if (seq_of.size() != ids.size()) return Error::not_found("user_not_found", "recipient vanished");
  return seq_of;
}

// Appends one item per user, each with the user's next seq, in the caller's
// transaction.
Result<std::vector<Delivery>> append_items(pg::Connection& c, const std::vector<std::int64_t>& user_ids, ItemKind kind,
                                           const std::string& share_id, std::int64_t created_at,
                                           std::optional<std::int64_t> receipt_user) {
  MC_TRY(auto seq_of, bump_heads(c, user_ids));
  std::vector<Delivery> out;
  std::vector<std::int64_t> users, seqs;
  std::vector<std::string> ids;
  for (auto uid : user_ids) {
    Delivery d{uid, seq_of[uid], new_id("i_")};
    users.push_back(d.user_id);
    seqs.push_back(d.seq);
    ids.push_back(d.item_id);
    out.push_back(std::move(d));
  }
  Param receipt = receipt_user ? Param(std::to_string(*receipt_user)) : Param();
  MC_TRY_STATUS(c.query(
      "INSERT INTO inbox_items (user_id, seq, id, kind, share_id, created_at, receipt_user_id) "
      "SELECT u, s, i, $4, $5, $6, $7::bigint FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS t(u, s, i)",
      {pg::int_array(users), pg::int_array(seqs), pg::text_array(ids), std::string(wire::item_kind_name(kind)),
       share_id, std::to_string(created_at), receipt}));
  return out;
}

}  // namespace

Result<Delivery> append_person_item(pg::Connection& c, std::int64_t user_id, ItemKind kind, std::int64_t actor_id,
                                    const std::string& text, std::int64_t at) {
  MC_TRY(auto seq_of, bump_heads(c, {user_id}));
  Delivery d{user_id, seq_of[user_id], new_id("i_")};
  MC_TRY_STATUS(
      c.query("INSERT INTO inbox_items (user_id, seq, id, kind, created_at, actor_id, text) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7)",
              {std::to_string(user_id), std::to_string(d.seq), d.item_id, std::string(wire::item_kind_name(kind)),
               std::to_string(at), std::to_string(actor_id), text}));
  return d;
}

Result<Delivery> append_push_item(pg::Connection& c, std::int64_t user_id, const PushItem& push) {
  MC_TRY(auto seq_of, bump_heads(c, {user_id}));
  Delivery d{user_id, seq_of[user_id], push.item_id};
  MC_TRY_STATUS(
      c.query("INSERT INTO inbox_items (user_id, seq, id, kind, created_at, actor_id, text, resource_id, "
              "campaign_id, reason) VALUES ($1, $2, $3, 'push', $4, $5, $6, $7, $8, $9)",
              {std::to_string(user_id), std::to_string(d.seq), d.item_id, std::to_string(push.at),
               std::to_string(push.sender_id), push.message, push.resource_id, push.campaign_id, push.reason}));
  return d;
}

namespace {

// The share this sender stored under `client_id`, as a replay of `share`.
Result<std::optional<ShareOutcome>> replay_of(pg::Connection& c, const NewShare& share) {
  MC_TRY(auto seen, c.query("SELECT id, fingerprint FROM shares WHERE sender_id = $1 AND client_id = $2",
                            {std::to_string(share.sender_id), *share.client_id}));
  if (seen.empty()) return std::optional<ShareOutcome>{};
  MC_TRY_STATUS(rules::check_replay(*share.client_id, seen.text(0, 1), share.fingerprint));
  MC_TRY(auto stored, load_share(c, seen.text(0, 0)));
  return std::optional<ShareOutcome>(ShareOutcome{std::move(stored), true, {}});
}

// The lock that orders a revoke and a forward of the same resource.
constexpr const char* kShareTreeLock = "SELECT pg_advisory_xact_lock(2, hashtext($1))";

Result<ShareOutcome> store_share(pg::Connection& c, const NewShare& share) {
  if (share.client_id) {
    MC_TRY(auto replay, replay_of(c, share));
    if (replay) return std::move(*replay);
  }
  Param client_id = share.client_id ? Param(*share.client_id) : Param();
  Param parent = share.parent_share_id ? Param(*share.parent_share_id) : Param();
  if (share.parent_share_id) {
    // A forward reads its parent's revoked_at: hold the resource's share-tree
    // lock (revoke_share takes it too) so that a revoke running now is
    // either seen here or sees this forward. Taken before the recipients'
    // locks, and in the two-key space, apart from their one-key locks.
    MC_TRY_STATUS(c.query(kShareTreeLock, {share.resource_id}));
  }
  // Recipients who do not accept shares from the sender are left out.
  MC_TRY(auto refused, refusing_shares_in(c, share.sender_id, share.recipient_ids));
  auto split = rules::split_recipients(share, refused);
  if (split.ids.empty()) return rules::nobody_accepts();
  const auto& recipient_ids = split.ids;
  const auto& recipient_names = split.names;
  const auto& refused_names = split.refused_names;
  MC_TRY(auto inserted,
         c.query("INSERT INTO shares (id, sender_id, resource_id, note, created_at, kind, client_id, fingerprint, "
                 "parent_share_id, chain, refused, access_from, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                 "$9, $10, $11, "
                 // A forward gives access from when the share it came from
                 // did, and is born revoked if that share was revoked meanwhile.
                 "coalesce((SELECT coalesce(p.access_from, p.created_at) FROM shares p WHERE p.id = $9), $5), "
                 "(SELECT p.revoked_at FROM shares p WHERE p.id = $9)) "
                 "ON CONFLICT (sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING id",
                 {share.id, std::to_string(share.sender_id), share.resource_id, share.note,
                  std::to_string(share.created_at), std::string(wire::item_kind_name(share.kind)), client_id,
                  share.fingerprint, parent, strings_to_json(share.chain), strings_to_json(refused_names)}));
  if (inserted.empty()) {
    // Another node stored this client_id between our check and our insert;
    // the insert waited for it to commit, so now we see it.
    MC_TRY(auto replay, replay_of(c, share));
    if (replay) return std::move(*replay);
    return Error::unavailable("retry", "a concurrent send with this client_id was rolled back");
  }
  ShareOutcome out;
  MC_TRY(out.deliveries, append_items(c, recipient_ids, share.kind, share.id, share.created_at, std::nullopt));
  out.share = Share{share.id,    share.sender_id, share.sender,     share.resource_id, share.note,   share.kind,
                    share.chain, recipient_names, share.created_at, std::nullopt,      refused_names};
  std::sort(out.share.recipients.begin(), out.share.recipients.end());
  std::sort(out.share.refused.begin(), out.share.refused.end());
  return out;
}

}  // namespace

Result<ShareOutcome> PgDeliveryStore::create_share(const NewShare& share) {
  return e_.transact<ShareOutcome>([&](pg::Connection& c) { return store_share(c, share); });
}

void PgDeliveryStore::create_share_async(NewShare share, std::function<void(Result<ShareOutcome>)> done) {
  e_.submit([this, share = std::move(share), done = std::move(done)] { done(create_share(share)); });
}

Result<Share> PgDeliveryStore::get_share(const std::string& share_id) {
  return e_.read<Share>([&](pg::Connection& c) { return load_share(c, share_id); });
}

Result<std::optional<std::pair<Share, std::string>>> PgDeliveryStore::find_by_client_id(std::int64_t sender_id,
                                                                                        const std::string& client_id) {
  using Found = std::optional<std::pair<Share, std::string>>;
  return e_.read<Found>([&](pg::Connection& c) -> Result<Found> {
    MC_TRY(auto rows, c.query("SELECT id, fingerprint FROM shares WHERE sender_id = $1 AND client_id = $2",
                              {std::to_string(sender_id), client_id}));
    if (rows.empty()) return Found{};
    MC_TRY(auto share, load_share(c, rows.text(0, 0)));
    return Found(std::make_pair(std::move(share), rows.text(0, 1)));
  });
}

Result<std::vector<InboxItem>> PgDeliveryStore::list_inbox(std::int64_t user_id, std::int64_t after, int limit) {
  return e_.read<std::vector<InboxItem>>([&](pg::Connection& c) -> Result<std::vector<InboxItem>> {
    MC_TRY(auto rows, c.query(kItemSelect + "WHERE i.user_id = $1 AND i.seq > $2 ORDER BY i.seq LIMIT $3",
                              {std::to_string(user_id), std::to_string(after), std::to_string(limit)}));
    std::vector<InboxItem> items;
    for (int i = 0; i < rows.size(); ++i) items.push_back(read_item(rows, i));
    return items;
  });
}

Result<InboxItem> PgDeliveryStore::get_item(std::int64_t user_id, const std::string& item_id) {
  return e_.read<InboxItem>([&](pg::Connection& c) -> Result<InboxItem> {
    MC_TRY(auto rows, c.query(kItemSelect + "WHERE i.user_id = $1 AND i.id = $2", {std::to_string(user_id), item_id}));
    if (rows.empty()) return Error::not_found("item_not_found", "no item '" + item_id + "' in your inbox");
    return read_item(rows, 0);
  });
}

Result<std::int64_t> PgDeliveryStore::inbox_head(std::int64_t user_id) {
  return e_.read<std::int64_t>([&](pg::Connection& c) -> Result<std::int64_t> {
    MC_TRY(auto rows, c.query("SELECT inbox_head FROM users WHERE id = $1", {std::to_string(user_id)}));
    if (rows.empty()) return Error::not_found("user_not_found", "no such user");
    return rows.int64(0, 0);
  });
}

Result<std::int64_t> PgDeliveryStore::device_cursor(std::int64_t user_id, const std::string& device_id) {
  return e_.read<std::int64_t>([&](pg::Connection& c) -> Result<std::int64_t> {
    MC_TRY(auto rows, c.query("SELECT acked_seq FROM device_cursors WHERE user_id = $1 AND device_id = $2",
                              {std::to_string(user_id), device_id}));
    return rows.empty() ? std::int64_t{0} : rows.int64(0, 0);
  });
}

Result<std::int64_t> PgDeliveryStore::ack(std::int64_t user_id, const std::string& device_id, std::int64_t seq) {
  return e_.transact<std::int64_t>([&](pg::Connection& c) -> Result<std::int64_t> {
    std::string uid = std::to_string(user_id);
    MC_TRY(auto head, c.query("SELECT inbox_head FROM users WHERE id = $1", {uid}));
    if (head.empty()) return Error::not_found("user_not_found", "no such user");
    MC_TRY(auto cur, c.query("SELECT acked_seq FROM device_cursors WHERE user_id = $1 AND device_id = $2 FOR UPDATE",
                             {uid, device_id}));
    std::int64_t old = cur.empty() ? 0 : cur.int64(0, 0);
    MC_TRY(auto move, rules::plan_ack(seq, head.int64(0, 0), old));
    if (!move.moved) return move.cursor;
    std::string now = std::to_string(now_ms());
    // GREATEST: a racing first ack of the same device never moves it back.
    MC_TRY(auto up, c.query("INSERT INTO device_cursors AS d (user_id, device_id, acked_seq, updated_at) "
                            "VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, device_id) DO UPDATE SET "
                            "acked_seq = GREATEST(d.acked_seq, excluded.acked_seq), updated_at = excluded.updated_at "
                            "RETURNING acked_seq",
                            {uid, device_id, std::to_string(move.cursor), now}));
    MC_TRY_STATUS(
        c.query("UPDATE inbox_items SET delivered_at = $1 WHERE user_id = $2 AND seq > $3 AND seq <= $4 "
                "AND delivered_at IS NULL",
                {now, uid, std::to_string(old), std::to_string(move.cursor)}));
    return up.int64(0, 0);
  });
}

Result<OpenOutcome> PgDeliveryStore::mark_opened(std::int64_t user_id, const std::string& item_id) {
  return e_.transact<OpenOutcome>([&](pg::Connection& c) -> Result<OpenOutcome> {
    std::string uid = std::to_string(user_id);
    // Items of people and pushes have no share: LEFT JOIN.
    MC_TRY(auto rows, c.query("SELECT i.kind, i.opened_at IS NOT NULL, coalesce(i.share_id, ''), "
                              "coalesce(s.sender_id, 0), u.send_receipts FROM inbox_items i "
                              "LEFT JOIN shares s ON s.id = i.share_id JOIN users u ON u.id = i.user_id "
                              "WHERE i.user_id = $1 AND i.id = $2 FOR UPDATE OF i",
                              {uid, item_id}));
    if (rows.empty()) return Error::not_found("item_not_found", "no item '" + item_id + "' in your inbox");
    std::string share_id = rows.text(0, 2);
    rules::OpenedItem opened{wire::parse_item_kind(rows.text(0, 0)).value_or(ItemKind::kReceipt), rows.boolean(0, 1),
                             rows.boolean(0, 4), rows.int64(0, 3), user_id};
    OpenOutcome out;
    if (opened.already_opened) return out;
    out.first_open = true;
    std::int64_t now = now_ms();
    MC_TRY_STATUS(
        c.query("UPDATE inbox_items SET opened_at = $1, delivered_at = coalesce(delivered_at, $1) "
                "WHERE user_id = $2 AND id = $3",
                {std::to_string(now), uid, item_id}));
    if (rules::receipt_owed(opened)) {
      MC_TRY_STATUS(append_items(c, {opened.sender_id}, ItemKind::kReceipt, share_id, now, user_id));
      out.notify_user = opened.sender_id;
    }
    return out;
  });
}

Result<std::vector<Receipt>> PgDeliveryStore::receipts(const std::string& share_id) {
  return e_.read<std::vector<Receipt>>([&](pg::Connection& c) -> Result<std::vector<Receipt>> {
    MC_TRY(auto rows, c.query("SELECT u.network_id, u.send_receipts, i.delivered_at, i.opened_at FROM inbox_items i "
                              "JOIN users u ON u.id = i.user_id WHERE i.share_id = $1 AND i.kind != 'receipt' "
                              "ORDER BY u.network_id COLLATE \"C\"",
                              {share_id}));
    std::vector<Receipt> out;
    for (int i = 0; i < rows.size(); ++i) {
      Receipt r;
      r.network_id = rows.text(i, 0);
      r.hidden = !rows.boolean(i, 1);
      if (!r.hidden) {
        if (!rows.is_null(i, 2)) r.delivered_at = rows.int64(i, 2);
        if (!rows.is_null(i, 3)) r.opened_at = rows.int64(i, 3);
      }
      out.push_back(std::move(r));
    }
    return out;
  });
}

Status PgDeliveryStore::revoke_share(const std::string& share_id, std::int64_t at) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto of, c.query("SELECT resource_id FROM shares WHERE id = $1", {share_id}));
    if (of.empty()) return Error::not_found("share_not_found", "no share with id '" + share_id + "'");
    MC_TRY_STATUS(c.query(kShareTreeLock, {of.text(0, 0)}));
    MC_TRY(auto rows,
           c.query("WITH RECURSIVE tree(id) AS (SELECT id FROM shares WHERE id = $1 UNION "
                   "SELECT s.id FROM shares s JOIN tree t ON s.parent_share_id = t.id) "
                   "UPDATE shares SET revoked_at = coalesce(revoked_at, $2) WHERE id IN (SELECT id FROM tree)",
                   {share_id, std::to_string(at)}));
    if (rows.affected() == 0) return Error::not_found("share_not_found", "no share with id '" + share_id + "'");
    return {};
  });
}

Result<std::optional<std::int64_t>> PgDeliveryStore::received_share_at(std::int64_t user_id,
                                                                       const std::string& resource_id) {
  using Out = std::optional<std::int64_t>;
  return e_.read<Out>([&](pg::Connection& c) -> Result<Out> {
    MC_TRY(auto rows, c.query("SELECT max(coalesce(s.access_from, s.created_at)) FROM shares s "
                              "JOIN inbox_items i ON i.share_id = s.id "
                              "WHERE s.resource_id = $1 AND s.revoked_at IS NULL AND i.user_id = $2 AND "
                              "i.kind != 'receipt'",
                              {resource_id, std::to_string(user_id)}));
    if (rows.empty() || rows.is_null(0, 0)) return Out{};
    return Out(rows.int64(0, 0));
  });
}

}  // namespace mc::store::postgres
