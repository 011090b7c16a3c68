// SqlitePushStore: signals, push settings, campaigns and their runs,
// pushes, recommendations (docs/pushes.md).
#include "store/sqlite/push_store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/random.hpp"
#include "store/rules/campaign_rules.hpp"
#include "store/sqlite/delivery_store.hpp"
#include "store/sqlite/rows.hpp"

namespace mc::store::sqlite {

const AreaSchema& push_schema() {
  static const AreaSchema schema{"push",
                                 {
                                     // 1
                                     R"sql(
CREATE TABLE signals (
  user_id     INTEGER NOT NULL REFERENCES users(id),
  resource_id TEXT NOT NULL,
  kind        TEXT NOT NULL,  -- viewed | downloaded | opened | shared | forwarded | push_opened | push_dismissed | not_interested
  at          INTEGER NOT NULL
);
CREATE INDEX signals_by_user ON signals(user_id, at);
CREATE INDEX signals_by_resource ON signals(resource_id, kind, user_id);
CREATE TABLE push_settings (
  user_id       INTEGER PRIMARY KEY REFERENCES users(id),
  per_day       INTEGER,
  per_week      INTEGER,
  time_zone     TEXT NOT NULL DEFAULT 'UTC',
  quiet_start   INTEGER,
  quiet_end     INTEGER,
  opt_out_all   INTEGER NOT NULL DEFAULT 0,
  opt_out_kinds TEXT NOT NULL DEFAULT '[]',
  opt_out_tags  TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE campaigns (
  id           TEXT PRIMARY KEY,
  creator_id   INTEGER NOT NULL REFERENCES users(id),
  resource_ids TEXT NOT NULL,  -- JSON array
  message      TEXT NOT NULL,
  audience     TEXT NOT NULL,
  audience_ids TEXT NOT NULL DEFAULT '[]',  -- users:...: their ids
  starts_at    INTEGER NOT NULL,
  every        TEXT,
  expires_at   INTEGER NOT NULL,
  state        TEXT NOT NULL,
  next_run_at  INTEGER,
  created_at   INTEGER NOT NULL,
  occurrences  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaigns_due ON campaigns(next_run_at) WHERE state = 'active';
CREATE INDEX campaigns_by_creator ON campaigns(creator_id, created_at);
CREATE TABLE campaign_runs (
  campaign_id  TEXT NOT NULL REFERENCES campaigns(id),
  occurrence   INTEGER NOT NULL,
  scheduled_at INTEGER NOT NULL,
  cursor       INTEGER NOT NULL DEFAULT 0,
  done         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, occurrence)
) WITHOUT ROWID;
CREATE TABLE pushes (
  campaign_id  TEXT NOT NULL,
  occurrence   INTEGER NOT NULL,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  resource_id  TEXT NOT NULL,
  reason       TEXT NOT NULL,
  state        TEXT NOT NULL,  -- held | delivered | expired | skipped
  not_before   INTEGER NOT NULL,
  item_id      TEXT,
  delivered_at INTEGER,
  opened_at    INTEGER,
  dismissed_at INTEGER,
  PRIMARY KEY (campaign_id, occurrence, user_id)
) WITHOUT ROWID;
CREATE INDEX pushes_by_user ON pushes(user_id, resource_id);
CREATE INDEX pushes_held ON pushes(not_before) WHERE state = 'held';
CREATE UNIQUE INDEX pushes_by_item ON pushes(item_id) WHERE item_id IS NOT NULL;
CREATE TABLE recommendations (
  user_id     INTEGER NOT NULL REFERENCES users(id),
  rank        INTEGER NOT NULL,
  resource_id TEXT NOT NULL,
  score       REAL NOT NULL,
  reason      TEXT NOT NULL,
  computed_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, rank)
) WITHOUT ROWID;
)sql",
                                 },
                                 {0, 0}};
  return schema;
}

const std::vector<std::string_view>& push_forget_user() {
  static const std::vector<std::string_view> statements = {
      "DELETE FROM signals WHERE user_id = ?1", "DELETE FROM push_settings WHERE user_id = ?1",
      "DELETE FROM pushes WHERE user_id = ?1", "DELETE FROM recommendations WHERE user_id = ?1",
      // A closed provider's campaigns stop.
      "UPDATE pushes SET state = 'expired' WHERE state = 'held' AND campaign_id IN (SELECT id FROM campaigns WHERE "
      "creator_id = ?1)",
      "UPDATE campaigns SET state = 'cancelled' WHERE creator_id = ?1 AND state IN ('active', 'paused')"};
  return statements;
}

namespace {

using rules::Audience;

Status insert_signals(Database& db, const std::vector<Signal>& signals) {
  // Once a day per user, resource and kind; never for a closed account.
  MC_TRY(auto st, db.prepare("INSERT INTO signals (user_id, resource_id, kind, at) SELECT ?1, ?2, ?3, ?4 "
                             "WHERE NOT EXISTS (SELECT 1 FROM signals WHERE user_id = ?1 AND at > ?4 - 86400000 "
                             "AND at < ?4 + 86400000 AND resource_id = ?2 AND kind = ?3) "
                             "AND NOT EXISTS (SELECT 1 FROM users WHERE id = ?1 AND closed_at IS NOT NULL)"));
  for (const auto& s : signals) {
    st.reset();
    st.bind(1, s.user_id).bind(2, s.resource_id).bind(3, s.kind).bind(4, s.at);
    MC_TRY_STATUS(st.run());
  }
  return {};
}

constexpr const char* kCampaignColumns =
    "c.id, c.creator_id, u.network_id, c.resource_ids, c.message, c.audience, c.audience_ids, c.starts_at, c.every, "
    "c.expires_at, c.state, c.next_run_at, c.created_at, c.occurrences";

Campaign read_campaign(const Statement& st) {
  Campaign c;
  c.id = st.text(0);
  c.creator_id = st.int64(1);
  c.creator = st.text(2);
  c.resource_ids = strings_from_json(st.text(3));
  c.message = st.text(4);
  c.audience = st.text(5);
  c.audience_ids = ids_from_text(st.text(6));
  c.starts_at = st.int64(7);
  if (!st.is_null(8)) c.every = st.text(8);
  c.expires_at = st.int64(9);
  c.state = rules::parse_campaign_state(st.text(10)).value_or(CampaignState::kActive);
  if (!st.is_null(11)) c.next_run_at = st.int64(11);
  c.created_at = st.int64(12);
  c.occurrences = st.int64(13);
  return c;
}

Result<Campaign> load_campaign(Database& db, const std::string& id) {
  MC_TRY(auto st, db.prepare(std::string("SELECT ") + kCampaignColumns +
                             " FROM campaigns c JOIN users u ON u.id = c.creator_id WHERE c.id = ?"));
  st.bind(1, id);
  MC_TRY_STATUS(step_one(st, "campaign_not_found", "no campaign with id '" + id + "'"));
  return read_campaign(st);
}

constexpr const char* kPushColumns =
    "p.campaign_id, p.occurrence, p.user_id, p.resource_id, p.reason, p.state, p.not_before, p.item_id, "
    "p.delivered_at, p.opened_at, p.dismissed_at, c.expires_at";

Push read_push(const Statement& st) {
  Push p;
  p.campaign_id = st.text(0);
  p.occurrence = st.int64(1);
  p.user_id = st.int64(2);
  p.resource_id = st.text(3);
  p.reason = st.text(4);
  p.state = st.text(5);
  p.not_before = st.int64(6);
  if (!st.is_null(7)) p.item_id = st.text(7);
  if (!st.is_null(8)) p.delivered_at = st.int64(8);
  if (!st.is_null(9)) p.opened_at = st.int64(9);
  if (!st.is_null(10)) p.dismissed_at = st.int64(10);
  p.expires_at = st.int64(11);
  return p;
}

// The audience's users after `after`, in id order, as one query with ?1 =
// after, ?2 = limit, ?3 = the audience's value.
std::string audience_sql(const Audience& a) {
  switch (a.kind) {
    case Audience::Kind::kEveryone:
      return "SELECT id FROM users WHERE id > ?1 AND role = 'user' AND closed_at IS NULL AND ?3 IS NOT NULL "
             "ORDER BY id LIMIT ?2";
    case Audience::Kind::kTag:
      return "SELECT DISTINCT s.user_id FROM signals s JOIN resources r ON r.id = s.resource_id "
             "WHERE s.user_id > ?1 AND s.kind IN " +
             std::string(rules::kInterestSignals) +
             " AND EXISTS (SELECT 1 FROM json_each(r.tags) t WHERE t.value = ?3) ORDER BY s.user_id LIMIT ?2";
    case Audience::Kind::kKind:
      return "SELECT DISTINCT s.user_id FROM signals s JOIN resources r ON r.id = s.resource_id "
             "WHERE s.user_id > ?1 AND s.kind IN " +
             std::string(rules::kInterestSignals) + " AND r.type = ?3 ORDER BY s.user_id LIMIT ?2";
    case Audience::Kind::kConsumed:
      return "SELECT DISTINCT user_id FROM signals WHERE resource_id = ?3 AND user_id > ?1 AND kind IN " +
             std::string(rules::kConsumedSignals) + " AND kind != 'not_interested' ORDER BY user_id LIMIT ?2";
    case Audience::Kind::kUsers:
      return "SELECT DISTINCT u.id FROM json_each(?3) j JOIN users u ON u.id = j.value WHERE u.id > ?1 AND "
             "u.closed_at IS NULL ORDER BY u.id LIMIT ?2";
    case Audience::Kind::kRecommended:
      return "SELECT DISTINCT user_id FROM recommendations WHERE user_id > ?1 AND ?3 IS NOT NULL "
             "ORDER BY user_id LIMIT ?2";
  }
  return {};
}

Result<std::vector<std::int64_t>> audience_page(Database& db, const Campaign& c, std::int64_t after,
                                                std::int64_t limit) {
  MC_TRY(auto a, rules::parse_audience(c.audience));
  MC_TRY(auto st, db.prepare(audience_sql(a)));
  st.bind(1, after).bind(2, limit);
  if (a.kind == Audience::Kind::kUsers) st.bind(3, ids_to_json(c.audience_ids));
  else st.bind(3, a.value);
  std::vector<std::int64_t> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(st.int64(0));
  }
}

// Writes a chunk's push rows (a user who already has one for this
// occurrence is left as they are) and the inbox items of those delivered
// now, 100 rows to a statement: a chunk holds the single writer, and shares
// wait behind it.
Result<std::vector<Delivery>> write_pushes(Database& db, const Campaign& c, std::int64_t occurrence,
                                           const std::vector<PushWrite>& writes, std::int64_t now) {
  constexpr std::size_t kRows = 100;
  std::vector<Delivery> out;
  // Accounts closed since the chunk was read get nothing.
  std::vector<std::int64_t> ids;
  for (const auto& w : writes) ids.push_back(w.user_id);
  MC_TRY(auto closed_st, db.prepare("SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?)) AND "
                                    "closed_at IS NOT NULL"));
  closed_st.bind(1, ids_to_json(ids));
  std::set<std::int64_t> closed;
  for (;;) {
    MC_TRY(bool row, closed_st.step());
    if (!row) break;
    closed.insert(closed_st.int64(0));
  }
  if (!closed.empty()) {
    std::vector<PushWrite> open;
    for (const auto& w : writes) {
      if (!closed.count(w.user_id)) open.push_back(w);
    }
    return write_pushes(db, c, occurrence, open, now);
  }
  for (std::size_t i = 0; i < writes.size(); i += kRows) {
    const std::size_t n = std::min(kRows, writes.size() - i);
    std::string rows = "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
    for (std::size_t k = 1; k < n; ++k) rows += ", (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    MC_TRY(auto ins, db.prepare("INSERT INTO pushes (campaign_id, occurrence, user_id, resource_id, reason, state, "
                                "not_before, delivered_at, item_id) VALUES " +
                                rows + " ON CONFLICT DO NOTHING RETURNING user_id"));
    std::unordered_map<std::int64_t, std::string> item_of;  // users delivered now
    for (std::size_t k = 0; k < n; ++k) {
      const auto& w = writes[i + k];
      const bool deliver = w.state == PushWrite::State::kDeliver;
      int p = static_cast<int>(k * 9);
      ins.bind(p + 1, c.id).bind(p + 2, occurrence).bind(p + 3, w.user_id).bind(p + 4, w.resource_id);
      ins.bind(p + 5, w.reason).bind(p + 6, rules::push_state_name(w.state));
      ins.bind(p + 7, w.state == PushWrite::State::kHold ? w.not_before : now);
      if (deliver) {
        item_of[w.user_id] = new_id("i_");
        ins.bind(p + 8, now).bind(p + 9, item_of[w.user_id]);
      } else {
        ins.bind_null(p + 8).bind_null(p + 9);
      }
    }
    std::vector<std::pair<std::int64_t, PushItem>> items;
    for (;;) {
      MC_TRY(bool row, ins.step());
      if (!row) break;
      auto it = item_of.find(ins.int64(0));
      if (it == item_of.end()) continue;  // held, expired or skipped
      const auto& w = *std::find_if(writes.begin() + static_cast<std::ptrdiff_t>(i),
                                    writes.begin() + static_cast<std::ptrdiff_t>(i + n),
                                    [&](const PushWrite& x) { return x.user_id == it->first; });
      items.emplace_back(w.user_id, PushItem{it->second, c.creator_id, c.id, w.resource_id, c.message, w.reason, now});
    }
    MC_TRY(auto delivered, append_push_items(db, items));
    out.insert(out.end(), delivered.begin(), delivered.end());
  }
  return out;
}

}  // namespace

// ---- signals -----------------------------------------------------------------

void SqlitePushStore::record_signals_later(std::vector<Signal> signals) {
  if (signals.empty()) return;
  auto owned = std::make_shared<const std::vector<Signal>>(std::move(signals));
  engine_.writer().submit([owned](Database& db) { return insert_signals(db, *owned); }, [](Status) {});
}

Status SqlitePushStore::record_signals(const std::vector<Signal>& signals) {
  return engine_.writer().run([&](Database& db) { return insert_signals(db, signals); });
}

Result<std::vector<Signal>> SqlitePushStore::signals_of(std::int64_t user_id, int limit) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT user_id, resource_id, kind, at FROM signals WHERE user_id = ? "
                              "ORDER BY at DESC, rowid DESC LIMIT ?"));
  st.bind(1, user_id).bind(2, std::int64_t{limit});
  std::vector<Signal> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(Signal{st.int64(0), st.text(1), st.text(2), st.int64(3)});
  }
}

Status SqlitePushStore::delete_signals(std::int64_t user_id) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("DELETE FROM signals WHERE user_id = ?"));
    st.bind(1, user_id);
    MC_TRY_STATUS(st.run());
    MC_TRY(auto recs, db.prepare("DELETE FROM recommendations WHERE user_id = ?"));
    recs.bind(1, user_id);
    return recs.run();
  });
}

Status SqlitePushStore::scan_signals(std::int64_t since, const std::function<void(const Signal&)>& each) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT user_id, resource_id, kind, at FROM signals WHERE at >= ?"));
  st.bind(1, since);
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return {};
    each(Signal{st.int64(0), st.text(1), st.text(2), st.int64(3)});
  }
}

// ---- settings ------------------------------------------------------------------

Result<PushSettings> SqlitePushStore::settings(std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT per_day, per_week, time_zone, quiet_start, quiet_end, opt_out_all, "
                              "opt_out_kinds, opt_out_tags FROM push_settings WHERE user_id = ?"));
  st.bind(1, user_id);
  PushSettings s;
  MC_TRY(bool row, st.step());
  if (!row) return s;
  if (!st.is_null(0)) s.per_day = static_cast<int>(st.int64(0));
  if (!st.is_null(1)) s.per_week = static_cast<int>(st.int64(1));
  s.time_zone = st.text(2);
  if (!st.is_null(3)) s.quiet_start = static_cast<int>(st.int64(3));
  if (!st.is_null(4)) s.quiet_end = static_cast<int>(st.int64(4));
  s.opt_out_all = st.int64(5) != 0;
  s.opt_out_kinds = strings_from_json(st.text(6));
  s.opt_out_tags = strings_from_json(st.text(7));
  return s;
}

Status SqlitePushStore::put_settings(std::int64_t user_id, const PushSettings& s) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("INSERT OR REPLACE INTO push_settings (user_id, per_day, per_week, time_zone, "
                               "quiet_start, quiet_end, opt_out_all, opt_out_kinds, opt_out_tags) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.bind(1, user_id);
    auto opt = [&](int i, const std::optional<int>& v) {
      if (v) st.bind(i, std::int64_t{*v});
      else st.bind_null(i);
    };
    opt(2, s.per_day);
    opt(3, s.per_week);
    st.bind(4, s.time_zone);
    opt(5, s.quiet_start);
    opt(6, s.quiet_end);
    st.bind(7, std::int64_t{s.opt_out_all ? 1 : 0});
    st.bind(8, strings_to_json(s.opt_out_kinds)).bind(9, strings_to_json(s.opt_out_tags));
    return st.run();
  });
}

// ---- campaigns -------------------------------------------------------------------

Status SqlitePushStore::create_campaign(const Campaign& c) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare("INSERT INTO campaigns (id, creator_id, resource_ids, message, audience, audience_ids, "
                               "starts_at, every, expires_at, state, next_run_at, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.bind(1, c.id).bind(2, c.creator_id).bind(3, strings_to_json(c.resource_ids)).bind(4, c.message);
    st.bind(5, c.audience).bind(6, ids_to_json(c.audience_ids)).bind(7, c.starts_at);
    if (c.every) st.bind(8, *c.every);
    else st.bind_null(8);
    st.bind(9, c.expires_at).bind(10, campaign_state_name(c.state));
    if (c.next_run_at) st.bind(11, *c.next_run_at);
    else st.bind_null(11);
    st.bind(12, c.created_at);
    return st.run();
  });
}

Result<Campaign> SqlitePushStore::campaign(const std::string& id) {
  auto db = engine_.reader();
  return load_campaign(*db, id);
}

Result<std::vector<Campaign>> SqlitePushStore::campaigns(std::int64_t creator_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT ") + kCampaignColumns +
                              " FROM campaigns c JOIN users u ON u.id = c.creator_id "
                              "WHERE ?1 = 0 OR c.creator_id = ?1 ORDER BY c.created_at DESC, c.id DESC LIMIT 1000"));
  st.bind(1, creator_id);
  std::vector<Campaign> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(read_campaign(st));
  }
}

Result<Campaign> SqlitePushStore::change_state(const std::string& id, const std::vector<CampaignState>& from,
                                               CampaignState to) {
  return engine_.writer().run_for<Campaign>([&](Database& db) -> Result<Campaign> {
    MC_TRY(auto c, load_campaign(db, id));
    if (std::find(from.begin(), from.end(), c.state) == from.end()) {
      return Error::failed_precondition("campaign_state", "campaign '" + id + "' is " +
                                                              std::string(campaign_state_name(c.state)) + ": cannot " +
                                                              "become " + std::string(campaign_state_name(to)));
    }
    MC_TRY(auto st, db.prepare("UPDATE campaigns SET state = ? WHERE id = ?"));
    st.bind(1, campaign_state_name(to)).bind(2, id);
    MC_TRY_STATUS(st.run());
    if (to == CampaignState::kCancelled) {
      // Pushes still held never go out.
      MC_TRY(auto held, db.prepare("UPDATE pushes SET state = 'expired' WHERE campaign_id = ? AND state = 'held'"));
      held.bind(1, id);
      MC_TRY_STATUS(held.run());
    }
    c.state = to;
    if (to == CampaignState::kActive) {
      // Paused just as its last write ended: resumed, it is finished.
      MC_TRY(auto fin, db.prepare("UPDATE campaigns SET state = 'finished' WHERE id = ? AND next_run_at IS NULL AND "
                                  "occurrences > 0 AND NOT EXISTS (SELECT 1 FROM campaign_runs r WHERE "
                                  "r.campaign_id = campaigns.id AND r.done = 0) RETURNING 1"));
      fin.bind(1, id);
      MC_TRY(bool done, fin.step());
      if (done) c.state = CampaignState::kFinished;
    }
    return c;
  });
}

Result<CampaignStats> SqlitePushStore::stats(const std::string& id) {
  auto db = engine_.reader();
  MC_TRY(auto c, load_campaign(*db, id));
  MC_TRY(auto st, db->prepare("SELECT count(*), count(*) FILTER (WHERE state = 'delivered'), "
                              "count(*) FILTER (WHERE state = 'held'), count(*) FILTER (WHERE state = 'expired'), "
                              "count(*) FILTER (WHERE state = 'skipped'), count(opened_at), count(dismissed_at) "
                              "FROM pushes WHERE campaign_id = ?"));
  st.bind(1, c.id);
  MC_TRY_STATUS(step_one(st, "campaign_not_found", "no campaign"));
  CampaignStats s{st.int64(0), st.int64(1), st.int64(2), st.int64(3), st.int64(4), st.int64(5), st.int64(6), {}};
  MC_TRY(auto hours, db->prepare("SELECT h, sum(d), sum(o) FROM ("
                                 "SELECT delivered_at / 3600000 * 3600000 AS h, 1 AS d, 0 AS o FROM pushes "
                                 "WHERE campaign_id = ?1 AND delivered_at IS NOT NULL UNION ALL "
                                 "SELECT opened_at / 3600000 * 3600000, 0, 1 FROM pushes "
                                 "WHERE campaign_id = ?1 AND opened_at IS NOT NULL) GROUP BY h ORDER BY h"));
  hours.bind(1, c.id);
  for (;;) {
    MC_TRY(bool row, hours.step());
    if (!row) return s;
    s.hours.push_back(CampaignStats::Hour{hours.int64(0), hours.int64(1), hours.int64(2)});
  }
}

// ---- the scheduler -----------------------------------------------------------------

Result<std::vector<CampaignRun>> SqlitePushStore::start_due_runs(std::int64_t now) {
  return engine_.writer().run_for<std::vector<CampaignRun>>([&](Database& db) -> Result<std::vector<CampaignRun>> {
    MC_TRY(auto due, db.prepare(std::string("SELECT ") + kCampaignColumns +
                                " FROM campaigns c JOIN users u ON u.id = c.creator_id "
                                "WHERE c.state = 'active' AND c.next_run_at <= ? ORDER BY c.next_run_at LIMIT 100"));
    due.bind(1, now);
    std::vector<Campaign> campaigns;
    for (;;) {
      MC_TRY(bool row, due.step());
      if (!row) break;
      campaigns.push_back(read_campaign(due));
    }
    std::vector<CampaignRun> out;
    for (const auto& c : campaigns) {
      const std::int64_t at = *c.next_run_at;
      if (at >= c.expires_at) {
        MC_TRY(auto fin, db.prepare("UPDATE campaigns SET state = 'finished', next_run_at = NULL WHERE id = ?"));
        fin.bind(1, c.id);
        MC_TRY_STATUS(fin.run());
        continue;
      }
      auto next = rules::next_occurrence(c, at, now);
      // The campaign finishes once its last occurrence is sent (write_chunk).
      MC_TRY(auto upd, db.prepare("UPDATE campaigns SET next_run_at = ?, occurrences = occurrences + 1 WHERE id = ? "
                                  "RETURNING occurrences"));
      if (next) upd.bind(1, *next);
      else upd.bind_null(1);
      upd.bind(2, c.id);
      MC_TRY_STATUS(step_one(upd, "campaign_not_found", "campaign vanished"));
      CampaignRun run{c.id, upd.int64(0), at, 0, false};
      MC_TRY_STATUS(upd.step());
      MC_TRY(auto ins,
             db.prepare("INSERT INTO campaign_runs (campaign_id, occurrence, scheduled_at) VALUES (?, ?, ?)"));
      ins.bind(1, run.campaign_id).bind(2, run.occurrence).bind(3, run.scheduled_at);
      MC_TRY_STATUS(ins.run());
      out.push_back(std::move(run));
    }
    return out;
  });
}

Result<std::vector<CampaignRun>> SqlitePushStore::open_runs() {
  auto db = engine_.reader();
  // A paused campaign's run waits without holding a place among the 100.
  MC_TRY(auto st, db->prepare("SELECT r.campaign_id, r.occurrence, r.scheduled_at, r.cursor FROM campaign_runs r "
                              "JOIN campaigns c ON c.id = r.campaign_id WHERE r.done = 0 AND c.state != 'paused' "
                              "ORDER BY r.scheduled_at, r.campaign_id, r.occurrence LIMIT 100"));
  std::vector<CampaignRun> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(CampaignRun{st.text(0), st.int64(1), st.int64(2), st.int64(3), false});
  }
}

Result<std::vector<std::int64_t>> SqlitePushStore::audience_after(const Campaign& c, std::int64_t after_user,
                                                                  int limit) {
  auto db = engine_.reader();
  return audience_page(*db, c, after_user, limit);
}

Result<std::int64_t> SqlitePushStore::audience_size(const Campaign& c) {
  auto db = engine_.reader();
  MC_TRY(auto a, rules::parse_audience(c.audience));
  MC_TRY(auto st, db->prepare("SELECT count(*) FROM (" + audience_sql(a) + ")"));
  st.bind(1, std::int64_t{0}).bind(2, std::int64_t{-1});
  if (a.kind == Audience::Kind::kUsers) st.bind(3, ids_to_json(c.audience_ids));
  else st.bind(3, a.value);
  MC_TRY_STATUS(step_one(st, "campaign_not_found", "no count"));
  return st.int64(0);
}

Result<std::vector<PushTarget>> SqlitePushStore::targets(const std::vector<std::int64_t>& user_ids, std::int64_t since,
                                                         const std::vector<std::string>& resource_ids) {
  auto db = engine_.reader();
  std::map<std::int64_t, PushTarget> by_user;
  for (auto id : user_ids) by_user[id].user_id = id;
  const std::string users = ids_to_json(user_ids);
  MC_TRY(auto st, db->prepare("SELECT user_id, per_day, per_week, time_zone, quiet_start, quiet_end, opt_out_all, "
                              "opt_out_kinds, opt_out_tags FROM push_settings "
                              "WHERE user_id IN (SELECT value FROM json_each(?))"));
  st.bind(1, users);
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) break;
    auto& s = by_user[st.int64(0)].settings;
    if (!st.is_null(1)) s.per_day = static_cast<int>(st.int64(1));
    if (!st.is_null(2)) s.per_week = static_cast<int>(st.int64(2));
    s.time_zone = st.text(3);
    if (!st.is_null(4)) s.quiet_start = static_cast<int>(st.int64(4));
    if (!st.is_null(5)) s.quiet_end = static_cast<int>(st.int64(5));
    s.opt_out_all = st.int64(6) != 0;
    s.opt_out_kinds = strings_from_json(st.text(7));
    s.opt_out_tags = strings_from_json(st.text(8));
  }
  MC_TRY(auto sent, db->prepare("SELECT user_id, delivered_at FROM pushes WHERE user_id IN "
                                "(SELECT value FROM json_each(?1)) AND delivered_at >= ?2"));
  sent.bind(1, users).bind(2, since);
  for (;;) {
    MC_TRY(bool row, sent.step());
    if (!row) break;
    by_user[sent.int64(0)].sent_at.push_back(sent.int64(1));
  }
  if (!resource_ids.empty()) {
    // User first (CROSS JOIN fixes the order): a chunk's users have few
    // signals and pushes each, a campaign's resource may have millions.
    MC_TRY(auto had, db->prepare("SELECT s.user_id, s.resource_id, 0 FROM json_each(?1) u CROSS JOIN signals s "
                                 "ON s.user_id = u.value WHERE s.resource_id IN (SELECT value FROM json_each(?2)) "
                                 "AND s.kind IN " +
                                 std::string(rules::kConsumedSignals) +
                                 " UNION SELECT p.user_id, p.resource_id, 1 FROM json_each(?1) u CROSS JOIN pushes p "
                                 "ON p.user_id = u.value WHERE p.resource_id IN (SELECT value FROM json_each(?2)) "
                                 "AND p.state IN ('delivered', 'held')"));
    had.bind(1, users).bind(2, strings_to_json(resource_ids));
    for (;;) {
      MC_TRY(bool row, had.step());
      if (!row) break;
      auto& t = by_user[had.int64(0)];
      (had.int64(2) ? t.pushed : t.consumed).push_back(had.text(1));
    }
  }
  std::vector<PushTarget> out;
  out.reserve(by_user.size());
  for (auto& [id, t] : by_user) out.push_back(std::move(t));
  return out;
}

Result<std::vector<Delivery>> SqlitePushStore::write_chunk(const CampaignRun& run, std::int64_t old_cursor,
                                                           std::int64_t new_cursor, bool finished,
                                                           const std::vector<PushWrite>& writes, std::int64_t now) {
  return engine_.writer().run_for<std::vector<Delivery>>([&](Database& db) -> Result<std::vector<Delivery>> {
    MC_TRY(auto c, load_campaign(db, run.campaign_id));
    std::vector<Delivery> out;
    // Read in this transaction: a pause or a cancel that committed a moment
    // ago holds for every write after it.
    if (c.state == CampaignState::kPaused) return out;
    const bool cancelled = c.state == CampaignState::kCancelled;
    MC_TRY(auto move, db.prepare("UPDATE campaign_runs SET cursor = ?, done = ? WHERE campaign_id = ? AND "
                                 "occurrence = ? AND cursor = ? AND done = 0 RETURNING 1"));
    move.bind(1, cancelled ? old_cursor : new_cursor).bind(2, std::int64_t{finished || cancelled ? 1 : 0});
    move.bind(3, run.campaign_id).bind(4, run.occurrence).bind(5, old_cursor);
    MC_TRY(bool moved, move.step());
    if (!moved || cancelled) return out;  // another scheduler wrote this chunk, or nothing more goes out
    MC_TRY_STATUS(move.step());
    MC_TRY(out, write_pushes(db, c, run.occurrence, writes, now));
    if (finished) {
      // The last occurrence sent: the campaign is done (pushes may still be held).
      MC_TRY(auto fin, db.prepare("UPDATE campaigns SET state = 'finished' WHERE id = ? AND state = 'active' AND "
                                  "next_run_at IS NULL AND NOT EXISTS (SELECT 1 FROM campaign_runs r WHERE "
                                  "r.campaign_id = campaigns.id AND r.done = 0)"));
      fin.bind(1, c.id);
      MC_TRY_STATUS(fin.run());
    }
    return out;
  });
}

Result<std::vector<Push>> SqlitePushStore::due_held(std::int64_t now, int limit) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT ") + kPushColumns +
                              " FROM pushes p JOIN campaigns c ON c.id = p.campaign_id "
                              "WHERE p.state = 'held' AND p.not_before <= ? AND c.state IN ('active', 'finished') "
                              "ORDER BY p.not_before LIMIT ?"));
  st.bind(1, now).bind(2, std::int64_t{limit});
  std::vector<Push> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(read_push(st));
  }
}

Result<std::vector<Delivery>> SqlitePushStore::settle_held(const std::vector<std::pair<Push, PushWrite>>& verdicts,
                                                           std::int64_t now) {
  return engine_.writer().run_for<std::vector<Delivery>>([&](Database& db) -> Result<std::vector<Delivery>> {
    std::vector<Delivery> out;
    for (const auto& [p, w] : verdicts) {
      const bool deliver = w.state == PushWrite::State::kDeliver;
      const std::string item_id = deliver ? new_id("i_") : std::string();
      MC_TRY(auto upd, db.prepare("UPDATE pushes SET state = ?, not_before = ?, delivered_at = ?, item_id = ? "
                                  "WHERE campaign_id = ? AND occurrence = ? AND user_id = ? AND state = 'held' "
                                  "RETURNING 1"));
      upd.reset();
      upd.bind(1, rules::push_state_name(w.state)).bind(2, w.state == PushWrite::State::kHold ? w.not_before : now);
      if (deliver) upd.bind(3, now).bind(4, item_id);
      else upd.bind_null(3).bind_null(4);
      upd.bind(5, p.campaign_id).bind(6, p.occurrence).bind(7, p.user_id);
      MC_TRY(bool changed, upd.step());
      if (!changed) continue;  // settled meanwhile (cancelled, another node)
      MC_TRY_STATUS(upd.step());
      if (!deliver) continue;
      MC_TRY(auto c, load_campaign(db, p.campaign_id));
      MC_TRY(auto d, append_push_item(db, p.user_id,
                                      PushItem{item_id, c.creator_id, c.id, p.resource_id, c.message, p.reason, now}));
      out.push_back(d);
    }
    return out;
  });
}

// ---- the user's side -----------------------------------------------------------------

Result<Push> SqlitePushStore::push_for_item(std::int64_t user_id, const std::string& item_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare(std::string("SELECT ") + kPushColumns +
                              " FROM pushes p JOIN campaigns c ON c.id = p.campaign_id "
                              "WHERE p.item_id = ? AND p.user_id = ?"));
  st.bind(1, item_id).bind(2, user_id);
  MC_TRY_STATUS(step_one(st, "push_not_found", "no push with item id '" + item_id + "' in your inbox"));
  return read_push(st);
}

Status SqlitePushStore::mark_push(std::int64_t user_id, const std::string& item_id, bool dismissed, std::int64_t at) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto st, db.prepare(dismissed ? "UPDATE pushes SET dismissed_at = coalesce(dismissed_at, ?) "
                                           "WHERE item_id = ? AND user_id = ? RETURNING 1"
                                         : "UPDATE pushes SET opened_at = coalesce(opened_at, ?) "
                                           "WHERE item_id = ? AND user_id = ? RETURNING 1"));
    st.bind(1, at).bind(2, item_id).bind(3, user_id);
    MC_TRY_STATUS(step_one(st, "push_not_found", "no push with item id '" + item_id + "' in your inbox"));
    return st.step().ok() ? Status{} : Status{Error::internal("push update failed")};
  });
}

// ---- recommendations --------------------------------------------------------------------

Status SqlitePushStore::replace_recommendations(
    const std::vector<std::pair<std::int64_t, std::vector<Recommendation>>>& picks, std::int64_t computed_at) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto del, db.prepare("DELETE FROM recommendations WHERE user_id = ?"));
    // A user who closed the account while the recommender ran gets none.
    MC_TRY(auto ins, db.prepare("INSERT INTO recommendations (user_id, rank, resource_id, score, reason, "
                                "computed_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM users "
                                "WHERE id = ?1 AND closed_at IS NOT NULL)"));
    for (const auto& [user, list] : picks) {
      del.reset();
      del.bind(1, user);
      MC_TRY_STATUS(del.run());
      for (std::size_t i = 0; i < list.size(); ++i) {
        ins.reset();
        ins.bind(1, user).bind(2, static_cast<std::int64_t>(i + 1)).bind(3, list[i].resource_id);
        ins.bind_real(4, list[i].score).bind(5, list[i].reason).bind(6, computed_at);
        MC_TRY_STATUS(ins.run());
      }
    }
    return {};
  });
}

Result<std::vector<Recommendation>> SqlitePushStore::recommendations(std::int64_t user_id) {
  auto db = engine_.reader();
  MC_TRY(auto st,
         db->prepare("SELECT resource_id, score, reason FROM recommendations WHERE user_id = ? ORDER BY rank"));
  st.bind(1, user_id);
  std::vector<Recommendation> out;
  for (;;) {
    MC_TRY(bool row, st.step());
    if (!row) return out;
    out.push_back(Recommendation{st.text(0), st.real(1), st.text(2)});
  }
}

}  // namespace mc::store::sqlite
