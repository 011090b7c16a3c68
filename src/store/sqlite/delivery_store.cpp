// SqliteDeliveryStore: shares, inboxes, device cursors and receipts.
#include "store/sqlite/delivery_store.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/rules/delivery_rules.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/social_store.hpp"

namespace mc::store::sqlite {

const AreaSchema& delivery_schema() {
  static const AreaSchema schema{"delivery",
                                 {
                                     // 1
                                     R"sql(
CREATE TABLE shares (
  id          TEXT PRIMARY KEY,
  sender_id   INTEGER NOT NULL REFERENCES users(id),
  resource_id TEXT NOT NULL REFERENCES resources(id),
  note        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE inbox_items (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  seq        INTEGER NOT NULL,
  id         TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL,
  share_id   TEXT REFERENCES shares(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;
)sql",
                                     // 2: reliable delivery: idempotent sends, forwards, device cursors,
                                     // receipts (docs/reliable-delivery.md).
                                     R"sql(
ALTER TABLE shares ADD COLUMN kind TEXT NOT NULL DEFAULT 'share';
ALTER TABLE shares ADD COLUMN client_id TEXT;
ALTER TABLE shares ADD COLUMN fingerprint TEXT;
ALTER TABLE shares ADD COLUMN parent_share_id TEXT REFERENCES shares(id);
ALTER TABLE shares ADD COLUMN chain TEXT NOT NULL DEFAULT '[]';  -- JSON: earlier senders, original first
CREATE UNIQUE INDEX shares_by_client_id ON shares(sender_id, client_id) WHERE client_id IS NOT NULL;
ALTER TABLE inbox_items ADD COLUMN delivered_at INTEGER;
ALTER TABLE inbox_items ADD COLUMN opened_at INTEGER;
ALTER TABLE inbox_items ADD COLUMN receipt_user_id INTEGER REFERENCES users(id);  -- kind 'receipt': who opened
CREATE INDEX inbox_items_by_share ON inbox_items(share_id);
CREATE TABLE device_cursors (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  device_id  TEXT NOT NULL,
  acked_seq  INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id)
) WITHOUT ROWID;
)sql",
                                     // 3: revoking shares; finding the shares that gave a user a resource
                                     // (docs/catalog.md "Access").
                                     R"sql(
ALTER TABLE shares ADD COLUMN revoked_at INTEGER;
ALTER TABLE shares ADD COLUMN access_from INTEGER;  -- the root share's created_at (forwards inherit it)
CREATE TEMP TABLE share_roots AS
  WITH RECURSIVE roots(id, root_time) AS (
    SELECT id, created_at FROM shares WHERE parent_share_id IS NULL
    UNION ALL
    SELECT s.id, r.root_time FROM shares s JOIN roots r ON s.parent_share_id = r.id)
  SELECT id, root_time FROM roots;
CREATE INDEX temp.share_roots_by_id ON share_roots(id);
UPDATE shares SET access_from = (SELECT root_time FROM share_roots r WHERE r.id = shares.id);
DROP TABLE share_roots;
CREATE INDEX shares_by_resource ON shares(resource_id);
CREATE INDEX shares_by_parent ON shares(parent_share_id) WHERE parent_share_id IS NOT NULL;
)sql",
                                     // 4: items about people (friend requests), shares that some named
                                     // recipients refused (docs/protocol.md "People").
                                     R"sql(
ALTER TABLE inbox_items ADD COLUMN actor_id INTEGER REFERENCES users(id);  -- friend events: the other user
ALTER TABLE inbox_items ADD COLUMN text TEXT;                              -- friend requests: the message
ALTER TABLE shares ADD COLUMN refused TEXT NOT NULL DEFAULT '[]';  -- JSON: named recipients who refused it
)sql",
                                     // 5: pushes (docs/pushes.md): the resource, campaign and reason
                                     // of an item of kind 'push'; its sender is actor_id, the provider.
                                     R"sql(
ALTER TABLE inbox_items ADD COLUMN resource_id TEXT;
ALTER TABLE inbox_items ADD COLUMN campaign_id TEXT;
ALTER TABLE inbox_items ADD COLUMN reason TEXT;
)sql",
                                 },
                                 {1, 2}};
  return schema;
}

const std::vector<std::string_view>& delivery_forget_user() {
  static const std::vector<std::string_view> statements = {"DELETE FROM inbox_items WHERE user_id = ?1",
                                                           "DELETE FROM device_cursors WHERE user_id = ?1"};
  return statements;
}

namespace {

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

InboxItem read_item(const Statement& st) {
  InboxItem it;
  it.id = st.text(0);
  it.seq = st.int64(1);
  it.kind = wire::parse_item_kind(st.text(2)).value_or(ItemKind::kShare);
  it.share_id = st.text(3);
  it.created_at = st.int64(4);
  it.note = st.text(5);
  it.sender = st.text(6);
  it.chain = strings_from_json(st.text(7));
  if (!st.is_null(8)) it.resource = read_resource(st, 8);
  it.campaign_id = st.text(8 + kResourceColumnCount);
  it.reason = st.text(9 + kResourceColumnCount);
  return it;
}

Result<Share> load_share(Database& db, const std::string& id) {
  auto st = db.prepare(
      "SELECT s.id, s.sender_id, u.network_id, s.resource_id, s.note, s.kind, s.chain, s.created_at, s.revoked_at, "
      "s.refused FROM shares s JOIN users u ON u.id = s.sender_id WHERE s.id = ?");
  if (!st) return st.error();
  st->bind(1, id);
  MC_TRY_STATUS(step_one(*st, "share_not_found", "no share with id '" + id + "'"));
  Share sh{st->text(0),
           st->int64(1),
           st->text(2),
           st->text(3),
           st->text(4),
           wire::parse_item_kind(st->text(5)).value_or(ItemKind::kShare),
           strings_from_json(st->text(6)),
           {},
           st->int64(7),
           st->is_null(8) ? std::nullopt : std::optional<std::int64_t>(st->int64(8)),
           strings_from_json(st->text(9))};
  auto rs = db.prepare(
      "SELECT u.network_id FROM inbox_items i JOIN users u ON u.id = i.user_id "
      "WHERE i.share_id = ? AND i.kind != 'receipt' ORDER BY u.network_id");
  if (!rs) return rs.error();
  rs->bind(1, id);
  for (;;) {
    MC_TRY(auto row, rs->step());
    if (!row) break;
    sh.recipients.push_back(rs->text(0));
  }
  return sh;
}

// Appends an item to `user_id`'s inbox with the next seq. Runs inside a
// write job, so the head bump and the item commit or roll back together.
Result<Delivery> append_item(Database& db, std::int64_t user_id, ItemKind kind, const std::string& share_id,
                             std::int64_t created_at, std::optional<std::int64_t> receipt_user) {
  MC_TRY(auto bump, db.prepare("UPDATE users SET inbox_head = inbox_head + 1 WHERE id = ? RETURNING inbox_head"));
  bump.bind(1, user_id);
  MC_TRY_STATUS(step_one(bump, "user_not_found", "recipient vanished"));
  std::int64_t seq = bump.int64(0);
  MC_TRY_STATUS(bump.step());
  auto item = db.prepare(
      "INSERT INTO inbox_items (user_id, seq, id, kind, share_id, created_at, receipt_user_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!item) return item.error();
  Delivery d{user_id, seq, new_id("i_")};
  item->bind(1, user_id)
      .bind(2, seq)
      .bind(3, d.item_id)
      .bind(4, wire::item_kind_name(kind))
      .bind(5, share_id)
      .bind(6, created_at);
  if (receipt_user) item->bind(7, *receipt_user);
  else item->bind_null(7);
  MC_TRY_STATUS(item->run());
  return d;
}

}  // namespace

Result<Delivery> append_person_item(Database& db, std::int64_t user_id, ItemKind kind, std::int64_t actor_id,
                                    const std::string& text, std::int64_t at) {
  MC_TRY(auto bump, db.prepare("UPDATE users SET inbox_head = inbox_head + 1 WHERE id = ? RETURNING inbox_head"));
  bump.bind(1, user_id);
  MC_TRY_STATUS(step_one(bump, "user_not_found", "recipient vanished"));
  std::int64_t seq = bump.int64(0);
  MC_TRY_STATUS(bump.step());
  MC_TRY(auto item, db.prepare("INSERT INTO inbox_items (user_id, seq, id, kind, created_at, actor_id, text) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  Delivery d{user_id, seq, new_id("i_")};
  item.bind(1, user_id).bind(2, seq).bind(3, d.item_id).bind(4, wire::item_kind_name(kind));
  item.bind(5, at).bind(6, actor_id).bind(7, text);
  MC_TRY_STATUS(item.run());
  return d;
}

Result<Delivery> append_push_item(Database& db, std::int64_t user_id, const PushItem& push) {
  MC_TRY(auto bump, db.prepare("UPDATE users SET inbox_head = inbox_head + 1 WHERE id = ? RETURNING inbox_head"));
  bump.bind(1, user_id);
  MC_TRY_STATUS(step_one(bump, "user_not_found", "recipient vanished"));
  std::int64_t seq = bump.int64(0);
  MC_TRY_STATUS(bump.step());
  MC_TRY(auto item, db.prepare("INSERT INTO inbox_items (user_id, seq, id, kind, created_at, actor_id, text, "
                               "resource_id, campaign_id, reason) VALUES (?, ?, ?, 'push', ?, ?, ?, ?, ?, ?)"));
  Delivery d{user_id, seq, push.item_id};
  item.bind(1, user_id).bind(2, seq).bind(3, d.item_id).bind(4, push.at).bind(5, push.sender_id);
  item.bind(6, push.message).bind(7, push.resource_id).bind(8, push.campaign_id).bind(9, push.reason);
  MC_TRY_STATUS(item.run());
  return d;
}

Result<std::vector<Delivery>> append_push_items(Database& db,
                                                const std::vector<std::pair<std::int64_t, PushItem>>& items) {
  constexpr std::size_t kChunk = 100;
  std::vector<Delivery> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); i += kChunk) {
    const std::size_t n = std::min(kChunk, items.size() - i);
    std::string marks = "?", rows = "(?, ?, ?, 'push', ?, ?, ?, ?, ?, ?)";
    for (std::size_t k = 1; k < n; ++k) {
      marks += ", ?";
      rows += ", (?, ?, ?, 'push', ?, ?, ?, ?, ?, ?)";
    }
    std::unordered_map<std::int64_t, std::int64_t> seq_of;
    {
      MC_TRY(auto bump, db.prepare("UPDATE users SET inbox_head = inbox_head + 1 WHERE id IN (" + marks +
                                   ") RETURNING id, inbox_head"));
      for (std::size_t k = 0; k < n; ++k) bump.bind(static_cast<int>(k + 1), items[i + k].first);
      for (;;) {
        MC_TRY(bool row, bump.step());
        if (!row) break;
        seq_of[bump.int64(0)] = bump.int64(1);
      }
    }
    if (seq_of.size() != n) return Error::not_found("user_not_found", "recipient vanished");
    MC_TRY(auto ins, db.prepare("INSERT INTO inbox_items (user_id, seq, id, kind, created_at, actor_id, text, "
                                "resource_id, campaign_id, reason) VALUES " +
                                rows));
    for (std::size_t k = 0; k < n; ++k) {
      const auto& [user_id, push] = items[i + k];
      Delivery d{user_id, seq_of[user_id], push.item_id};
      int p = static_cast<int>(k * 9);
      ins.bind(p + 1, user_id).bind(p + 2, d.seq).bind(p + 3, d.item_id).bind(p + 4, push.at);
      ins.bind(p + 5, push.sender_id).bind(p + 6, push.message).bind(p + 7, push.resource_id);
      ins.bind(p + 8, push.campaign_id).bind(p + 9, push.reason);
      out.push_back(std::move(d));
    }
    MC_TRY_STATUS(ins.run());
  }
  return out;
}

namespace {

// append_item for many users at once: the head bumps and the item inserts
// go 100 rows to a statement. A share to 10,000 users is then 200
// statements instead of 20,000, and its commit (which every recipient waits
// for) is that much shorter.
Result<std::vector<Delivery>> append_items(Database& db, const std::vector<std::int64_t>& user_ids, ItemKind kind,
                                           const std::string& share_id, std::int64_t created_at) {
  constexpr std::size_t kChunk = 100;
  std::vector<Delivery> out;
  out.reserve(user_ids.size());
  std::size_t i = 0;
  if (user_ids.size() >= kChunk) {
    std::string marks = "?";
    std::string rows = "(?, ?, ?, ?, ?, ?)";
    for (std::size_t k = 1; k < kChunk; ++k) {
      marks += ", ?";
      rows += ", (?, ?, ?, ?, ?, ?)";
    }
    const std::string bump_sql =
        "UPDATE users SET inbox_head = inbox_head + 1 WHERE id IN (" + marks + ") RETURNING id, inbox_head";
    const std::string insert_sql =
        "INSERT INTO inbox_items (user_id, seq, id, kind, share_id, created_at) VALUES " + rows;
    for (; i + kChunk <= user_ids.size(); i += kChunk) {
      std::unordered_map<std::int64_t, std::int64_t> seq_of;
      {
        MC_TRY(auto bump, db.prepare(bump_sql));
        for (std::size_t k = 0; k < kChunk; ++k) bump.bind(static_cast<int>(k + 1), user_ids[i + k]);
        for (;;) {
          auto row = bump.step();
          if (!row) return row.error();
          if (!*row) break;
          seq_of[bump.int64(0)] = bump.int64(1);
        }
      }
      if (seq_of.size() != kChunk) return Error::not_found("user_not_found", "recipient vanished");
      MC_TRY(auto ins, db.prepare(insert_sql));
      for (std::size_t k = 0; k < kChunk; ++k) {
        Delivery d{user_ids[i + k], seq_of[user_ids[i + k]], new_id("i_")};
        int p = static_cast<int>(k * 6);
        ins.bind(p + 1, d.user_id).bind(p + 2, d.seq).bind(p + 3, d.item_id).bind(p + 4, wire::item_kind_name(kind));
        ins.bind(p + 5, share_id).bind(p + 6, created_at);
        out.push_back(std::move(d));
      }
      MC_TRY_STATUS(ins.run());
    }
  }
  for (; i < user_ids.size(); ++i) {
    MC_TRY(auto d, append_item(db, user_ids[i], kind, share_id, created_at, std::nullopt));
    out.push_back(std::move(d));
  }
  return out;
}

// The write job of a share; `share` must outlive it.
Result<ShareOutcome> store_share(Database& db, const NewShare& share) {
  if (share.client_id) {
    // Checked inside the write job: two racing retries run one after the
    // other on the single writer, so only the first can insert.
    MC_TRY(auto seen, db.prepare("SELECT id, fingerprint FROM shares WHERE sender_id = ? AND client_id = ?"));
    seen.bind(1, share.sender_id).bind(2, *share.client_id);
    auto row = seen.step();
    if (!row) return row.error();
    if (*row) {
      MC_TRY_STATUS(rules::check_replay(*share.client_id, seen.text(1), share.fingerprint));
      auto stored = load_share(db, seen.text(0));
      if (!stored) return stored.error();
      return ShareOutcome{std::move(*stored), true, {}};
    }
  }
  // Recipients who do not accept shares from the sender are left out, in
  // this transaction: a block made a moment before holds.
  MC_TRY(auto refused, refusing_shares_in(db, share.sender_id, share.recipient_ids));
  auto split = rules::split_recipients(share, refused);
  if (split.ids.empty()) return rules::nobody_accepts();
  const auto& recipient_ids = split.ids;
  const auto& recipient_names = split.names;
  const auto& refused_names = split.refused_names;
  auto ins = db.prepare(
      "INSERT INTO shares (id, sender_id, resource_id, note, created_at, kind, client_id, fingerprint, "
      "parent_share_id, chain, refused, access_from, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
      // A forward gives access from when the share it came from did, and
      // is born revoked if that share was revoked meanwhile.
      "coalesce((SELECT coalesce(p.access_from, p.created_at) FROM shares p WHERE p.id = ?9), ?5), "
      "(SELECT p.revoked_at FROM shares p WHERE p.id = ?9))");
  if (!ins) return ins.error();
  ins->bind(1, share.id).bind(2, share.sender_id).bind(3, share.resource_id).bind(4, share.note);
  ins->bind(5, share.created_at).bind(6, wire::item_kind_name(share.kind));
  if (share.client_id) ins->bind(7, *share.client_id);
  else ins->bind_null(7);
  ins->bind(8, share.fingerprint);
  if (share.parent_share_id) ins->bind(9, *share.parent_share_id);
  else ins->bind_null(9);
  ins->bind(10, strings_to_json(share.chain));
  ins->bind(11, strings_to_json(refused_names));
  MC_TRY_STATUS(ins->run());
  ShareOutcome out;
  MC_TRY(auto deliveries, append_items(db, recipient_ids, share.kind, share.id, share.created_at));
  out.deliveries = std::move(deliveries);
  // Everything the answer needs is at hand: no need to read it back.
  out.share = Share{share.id,    share.sender_id, share.sender,     share.resource_id, share.note,   share.kind,
                    share.chain, recipient_names, share.created_at, std::nullopt,      refused_names};
  std::sort(out.share.recipients.begin(), out.share.recipients.end());
  std::sort(out.share.refused.begin(), out.share.refused.end());
  return out;
}

}  // namespace

Result<ShareOutcome> SqliteDeliveryStore::create_share(const NewShare& share) {
  return engine_.writer().run_for<ShareOutcome>([&](Database& db) { return store_share(db, share); });
}

void SqliteDeliveryStore::create_share_async(NewShare share, std::function<void(Result<ShareOutcome>)> done) {
  auto owned = std::make_shared<const NewShare>(std::move(share));
  engine_.writer().submit_for<ShareOutcome>([owned](Database& db) { return store_share(db, *owned); }, std::move(done));
}

Result<Share> SqliteDeliveryStore::get_share(const std::string& share_id) {
  auto db = engine_.reader();
  return load_share(*db, share_id);
}

Result<std::optional<std::pair<Share, std::string>>> SqliteDeliveryStore::find_by_client_id(
    std::int64_t sender_id, const std::string& client_id) {
  using Found = std::optional<std::pair<Share, std::string>>;
  auto db = engine_.reader();
  std::string id, fingerprint;
  {
    MC_TRY(auto st, db->prepare("SELECT id, fingerprint FROM shares WHERE sender_id = ? AND client_id = ?"));
    st.bind(1, sender_id).bind(2, client_id);
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return Found{};
    id = st.text(0);
    fingerprint = st.text(1);
  }
  MC_TRY(auto share, load_share(*db, id));
  return Found(std::make_pair(std::move(share), std::move(fingerprint)));
}

Result<std::vector<InboxItem>> SqliteDeliveryStore::list_inbox(std::int64_t user_id, std::int64_t after, int limit) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(kItemSelect + "WHERE i.user_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?"));
  st.bind(1, user_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  std::vector<InboxItem> items;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) break;
    items.push_back(read_item(st));
  }
  return items;
}

Result<InboxItem> SqliteDeliveryStore::get_item(std::int64_t user_id, const std::string& item_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(kItemSelect + "WHERE i.user_id = ? AND i.id = ?"));
  st.bind(1, user_id).bind(2, item_id);
  MC_TRY_STATUS(step_one(st, "item_not_found", "no item '" + item_id + "' in your inbox"));
  return read_item(st);
}

Result<std::int64_t> SqliteDeliveryStore::inbox_head(std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT inbox_head FROM users WHERE id = ?"));
  st.bind(1, user_id);
  MC_TRY_STATUS(step_one(st, "user_not_found", "no such user"));
  return st.int64(0);
}

Result<std::int64_t> SqliteDeliveryStore::device_cursor(std::int64_t user_id, const std::string& device_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT acked_seq FROM device_cursors WHERE user_id = ? AND device_id = ?"));
  st.bind(1, user_id).bind(2, device_id);
  auto row = st.step();
  if (!row) return row.error();
  return *row ? st.int64(0) : std::int64_t{0};
}

Result<std::int64_t> SqliteDeliveryStore::ack(std::int64_t user_id, const std::string& device_id, std::int64_t seq) {
  return engine_.writer().run_for<std::int64_t>([&](Database& db) -> Result<std::int64_t> {
    MC_TRY(auto head, db.prepare("SELECT inbox_head FROM users WHERE id = ?"));
    head.bind(1, user_id);
    MC_TRY_STATUS(step_one(head, "user_not_found", "no such user"));
    MC_TRY(auto cur, db.prepare("SELECT acked_seq FROM device_cursors WHERE user_id = ? AND device_id = ?"));
    cur.bind(1, user_id).bind(2, device_id);
    MC_TRY(bool has_cursor, cur.step());
    std::int64_t old = has_cursor ? cur.int64(0) : 0;
    MC_TRY(auto move, rules::plan_ack(seq, head.int64(0), old));
    if (!move.moved) return move.cursor;
    MC_TRY(auto up,
           db.prepare("INSERT INTO device_cursors (user_id, device_id, acked_seq, updated_at) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (user_id, device_id) DO UPDATE SET acked_seq = excluded.acked_seq, "
                      "updated_at = excluded.updated_at"));
    std::int64_t now = now_ms();
    up.bind(1, user_id).bind(2, device_id).bind(3, move.cursor).bind(4, now);
    MC_TRY_STATUS(up.run());
    MC_TRY(auto mark, db.prepare("UPDATE inbox_items SET delivered_at = ? "
                                 "WHERE user_id = ? AND seq > ? AND seq <= ? AND delivered_at IS NULL"));
    mark.bind(1, now).bind(2, user_id).bind(3, old).bind(4, move.cursor);
    MC_TRY_STATUS(mark.run());
    return move.cursor;
  });
}

Result<OpenOutcome> SqliteDeliveryStore::mark_opened(std::int64_t user_id, const std::string& item_id) {
  return engine_.writer().run_for<OpenOutcome>([&](Database& db) -> Result<OpenOutcome> {
    auto st = db.prepare(
        // Items of people and pushes have no share: LEFT JOIN.
        "SELECT i.kind, i.opened_at IS NOT NULL, coalesce(i.share_id, ''), coalesce(s.sender_id, 0), u.send_receipts "
        "FROM inbox_items i LEFT JOIN shares s ON s.id = i.share_id JOIN users u ON u.id = i.user_id "
        "WHERE i.user_id = ? AND i.id = ?");
    if (!st) return st.error();
    st->bind(1, user_id).bind(2, item_id);
    MC_TRY_STATUS(step_one(*st, "item_not_found", "no item '" + item_id + "' in your inbox"));
    std::string share_id = st->text(2);
    rules::OpenedItem opened{wire::parse_item_kind(st->text(0)).value_or(ItemKind::kReceipt), st->int64(1) != 0,
                             st->int64(4) != 0, st->int64(3), user_id};
    std::int64_t sender = opened.sender_id;
    OpenOutcome out;
    if (opened.already_opened) return out;
    out.first_open = true;
    std::int64_t now = now_ms();
    auto up = db.prepare(
        "UPDATE inbox_items SET opened_at = ?, delivered_at = coalesce(delivered_at, ?) WHERE user_id = ? AND id = ?");
    if (!up) return up.error();
    up->bind(1, now).bind(2, now).bind(3, user_id).bind(4, item_id);
    MC_TRY_STATUS(up->run());
    if (rules::receipt_owed(opened)) {
      MC_TRY_STATUS(append_item(db, sender, ItemKind::kReceipt, share_id, now, user_id));
      out.notify_user = sender;
    }
    return out;
  });
}

Result<std::vector<Receipt>> SqliteDeliveryStore::receipts(const std::string& share_id) {
  auto db = engine_.reader();
  auto st = db->prepare(
      "SELECT u.network_id, u.send_receipts, i.delivered_at, i.opened_at FROM inbox_items i "
      "JOIN users u ON u.id = i.user_id WHERE i.share_id = ? AND i.kind != 'receipt' ORDER BY u.network_id");
  if (!st) return st.error();
  st->bind(1, share_id);
  std::vector<Receipt> out;
  for (;;) {
    MC_TRY(auto row, st->step());
    if (!row) break;
    Receipt r;
    r.network_id = st->text(0);
    r.hidden = st->int64(1) == 0;
    if (!r.hidden) {
      if (!st->is_null(2)) r.delivered_at = st->int64(2);
      if (!st->is_null(3)) r.opened_at = st->int64(3);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Status SqliteDeliveryStore::revoke_share(const std::string& share_id, std::int64_t at) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st,
           db.prepare("WITH RECURSIVE tree(id) AS (SELECT id FROM shares WHERE id = ? UNION "
                      "SELECT s.id FROM shares s JOIN tree t ON s.parent_share_id = t.id) "
                      "UPDATE shares SET revoked_at = coalesce(revoked_at, ?) WHERE id IN (SELECT id FROM tree)"));
    st.bind(1, share_id).bind(2, at);
    MC_TRY_STATUS(st.run());
    if (db.changes() == 0) return Error::not_found("share_not_found", "no share with id '" + share_id + "'");
    return {};
  });
}

Result<std::optional<std::int64_t>> SqliteDeliveryStore::received_share_at(std::int64_t user_id,
                                                                           const std::string& resource_id) {
  using Out = std::optional<std::int64_t>;
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT max(coalesce(s.access_from, s.created_at)) FROM shares s "
                              "JOIN inbox_items i ON i.share_id = s.id "
                              "WHERE s.resource_id = ? AND s.revoked_at IS NULL AND i.user_id = ? AND "
                              "i.kind != 'receipt'"));
  st.bind(1, resource_id).bind(2, user_id);
  MC_TRY(bool row, st.step());
  if (!row || st.is_null(0)) return Out{};
  return Out(st.int64(0));
}

}  // namespace mc::store::sqlite
