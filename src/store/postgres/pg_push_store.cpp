// PgPushStore: signals, push settings, campaigns and their runs, pushes,
// recommendations on PostgreSQL (docs/pushes.md).
#include <algorithm>
#include <map>
#include <set>

#include "core/random.hpp"
#include "store/postgres/pg_stores.hpp"
#include "store/rules/campaign_rules.hpp"

namespace mc::store::postgres {

const PgSchema& push_schema() {
  static const PgSchema schema{"push",
                               {
                                   R"sql(
CREATE TABLE signals (
  user_id     BIGINT NOT NULL REFERENCES users(id),
  resource_id TEXT NOT NULL,
  kind        TEXT NOT NULL,  -- viewed | downloaded | opened | shared | forwarded | push_opened | push_dismissed | not_interested
  at          BIGINT NOT NULL
);
CREATE INDEX signals_by_user ON signals(user_id, at);
CREATE INDEX signals_by_resource ON signals(resource_id, kind, user_id);
CREATE TABLE push_settings (
  user_id       BIGINT PRIMARY KEY REFERENCES users(id),
  per_day       INT,
  per_week      INT,
  time_zone     TEXT NOT NULL DEFAULT 'UTC',
  quiet_start   INT,
  quiet_end     INT,
  opt_out_all   BOOLEAN NOT NULL DEFAULT false,
  opt_out_kinds TEXT NOT NULL DEFAULT '[]',
  opt_out_tags  TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE campaigns (
  id           TEXT PRIMARY KEY,
  creator_id   BIGINT NOT NULL REFERENCES users(id),
  resource_ids TEXT NOT NULL,  -- JSON array
  message      TEXT NOT NULL,
  audience     TEXT NOT NULL,
  audience_ids BIGINT[] NOT NULL DEFAULT '{}',  -- users:...: their ids
  starts_at    BIGINT NOT NULL,
  every        TEXT,
  expires_at   BIGINT NOT NULL,
  state        TEXT NOT NULL,
  next_run_at  BIGINT,
  created_at   BIGINT NOT NULL,
  occurrences  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX campaigns_due ON campaigns(next_run_at) WHERE state = 'active';
CREATE INDEX campaigns_by_creator ON campaigns(creator_id, created_at);
CREATE TABLE campaign_runs (
  campaign_id  TEXT NOT NULL REFERENCES campaigns(id),
  occurrence   BIGINT NOT NULL,
  scheduled_at BIGINT NOT NULL,
  cursor       BIGINT NOT NULL DEFAULT 0,
  done         BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (campaign_id, occurrence)
);
CREATE TABLE pushes (
  campaign_id  TEXT NOT NULL,
  occurrence   BIGINT NOT NULL,
  user_id      BIGINT NOT NULL REFERENCES users(id),
  resource_id  TEXT NOT NULL,
  reason       TEXT NOT NULL,
  state        TEXT NOT NULL,  -- held | delivered | expired | skipped
  not_before   BIGINT NOT NULL,
  item_id      TEXT,
  delivered_at BIGINT,
  opened_at    BIGINT,
  dismissed_at BIGINT,
  PRIMARY KEY (campaign_id, occurrence, user_id)
);
CREATE INDEX pushes_by_user ON pushes(user_id, resource_id);
CREATE INDEX pushes_held ON pushes(not_before) WHERE state = 'held';
CREATE UNIQUE INDEX pushes_by_item ON pushes(item_id) WHERE item_id IS NOT NULL;
CREATE TABLE recommendations (
  user_id     BIGINT NOT NULL REFERENCES users(id),
  rank        INT NOT NULL,
  resource_id TEXT NOT NULL,
  score       DOUBLE PRECISION NOT NULL,
  reason      TEXT NOT NULL,
  computed_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, rank)
);
)sql",
                               }};
  return schema;
}

const std::vector<std::string_view>& push_forget_user() {
  static const std::vector<std::string_view> statements = {
      "DELETE FROM signals WHERE user_id = $1", "DELETE FROM push_settings WHERE user_id = $1",
      "DELETE FROM pushes WHERE user_id = $1", "DELETE FROM recommendations WHERE user_id = $1",
      // A closed provider's campaigns stop.
      "UPDATE pushes SET state = 'expired' WHERE state = 'held' AND campaign_id IN (SELECT id FROM campaigns WHERE "
      "creator_id = $1)",
      "UPDATE campaigns SET state = 'cancelled' WHERE creator_id = $1 AND state IN ('active', 'paused')"};
  return statements;
}

namespace {

using pg::Param;
using rules::Audience;

std::string str(std::int64_t v) { return std::to_string(v); }
Status as_status(Result<Rows> r) {
  if (!r) return r.error();
  return {};
}
Param opt(const std::optional<int>& v) { return v ? Param(std::to_string(*v)) : Param(); }
Param opt64(const std::optional<std::int64_t>& v) { return v ? Param(std::to_string(*v)) : Param(); }

Status insert_signals(pg::Connection& c, const std::vector<Signal>& signals) {
  std::vector<std::int64_t> users, ats;
  std::vector<std::string> resources, kinds;
  for (const auto& s : signals) {
    users.push_back(s.user_id);
    resources.push_back(s.resource_id);
    kinds.push_back(s.kind);
    ats.push_back(s.at);
  }
  // Once a day per user, resource and kind (also within the batch); never
  // for a closed account.
  return as_status(
      c.query("INSERT INTO signals (user_id, resource_id, kind, at) "
              "SELECT DISTINCT ON (n.u, n.r, n.k) n.u, n.r, n.k, n.a "
              "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS n(u, r, k, a) "
              "JOIN users us ON us.id = n.u AND us.closed_at IS NULL "
              "WHERE NOT EXISTS (SELECT 1 FROM signals s WHERE s.user_id = n.u AND s.at > n.a - 86400000 AND "
              "s.at < n.a + 86400000 AND s.resource_id = n.r AND s.kind = n.k) ORDER BY n.u, n.r, n.k, n.a",
              {pg::int_array(users), pg::text_array(resources), pg::text_array(kinds), pg::int_array(ats)}));
}

constexpr const char* kCampaignColumns =
    "c.id, c.creator_id, u.network_id, c.resource_ids, c.message, c.audience, c.audience_ids, c.starts_at, c.every, "
    "c.expires_at, c.state, c.next_run_at, c.created_at, c.occurrences";

Campaign read_campaign(const Rows& rows, int r) {
  Campaign c;
  c.id = rows.text(r, 0);
  c.creator_id = rows.int64(r, 1);
  c.creator = rows.text(r, 2);
  c.resource_ids = strings_from_json(rows.text(r, 3));
  c.message = rows.text(r, 4);
  c.audience = rows.text(r, 5);
  c.audience_ids = ids_from_text(rows.text(r, 6));
  c.starts_at = rows.int64(r, 7);
  if (!rows.is_null(r, 8)) c.every = rows.text(r, 8);
  c.expires_at = rows.int64(r, 9);
  c.state = rules::parse_campaign_state(rows.text(r, 10)).value_or(CampaignState::kActive);
  if (!rows.is_null(r, 11)) c.next_run_at = rows.int64(r, 11);
  c.created_at = rows.int64(r, 12);
  c.occurrences = rows.int64(r, 13);
  return c;
}

Result<Campaign> load_campaign(pg::Connection& c, const std::string& id, bool for_update = false) {
  MC_TRY(auto rows, c.query(std::string("SELECT ") + kCampaignColumns +
                                " FROM campaigns c JOIN users u ON u.id = c.creator_id WHERE c.id = $1" +
                                (for_update ? " FOR UPDATE OF c" : ""),
                            {id}));
  if (rows.empty()) return Error::not_found("campaign_not_found", "no campaign with id '" + id + "'");
  return read_campaign(rows, 0);
}

constexpr const char* kPushColumns =
    "p.campaign_id, p.occurrence, p.user_id, p.resource_id, p.reason, p.state, p.not_before, p.item_id, "
    "p.delivered_at, p.opened_at, p.dismissed_at, c.expires_at";

Push read_push(const Rows& rows, int r) {
  Push p;
  p.campaign_id = rows.text(r, 0);
  p.occurrence = rows.int64(r, 1);
  p.user_id = rows.int64(r, 2);
  p.resource_id = rows.text(r, 3);
  p.reason = rows.text(r, 4);
  p.state = rows.text(r, 5);
  p.not_before = rows.int64(r, 6);
  if (!rows.is_null(r, 7)) p.item_id = rows.text(r, 7);
  if (!rows.is_null(r, 8)) p.delivered_at = rows.int64(r, 8);
  if (!rows.is_null(r, 9)) p.opened_at = rows.int64(r, 9);
  if (!rows.is_null(r, 10)) p.dismissed_at = rows.int64(r, 10);
  p.expires_at = rows.int64(r, 11);
  return p;
}

// The audience's users after $1, in id order, at most $2 (NULL: all), with
// $3 the audience's value.
std::string audience_sql(const Audience& a) {
  switch (a.kind) {
    case Audience::Kind::kEveryone:
      return "SELECT id FROM users WHERE id > $1 AND role = 'user' AND closed_at IS NULL AND $3::text IS NOT NULL "
             "ORDER BY id LIMIT $2";
    case Audience::Kind::kTag:
      return "SELECT DISTINCT s.user_id FROM signals s JOIN resources r ON r.id = s.resource_id "
             "WHERE s.user_id > $1 AND s.kind IN " +
             std::string(rules::kInterestSignals) + " AND r.tags::jsonb ? $3 ORDER BY s.user_id LIMIT $2";
    case Audience::Kind::kKind:
      return "SELECT DISTINCT s.user_id FROM signals s JOIN resources r ON r.id = s.resource_id "
             "WHERE s.user_id > $1 AND s.kind IN " +
             std::string(rules::kInterestSignals) + " AND r.type = $3 ORDER BY s.user_id LIMIT $2";
    case Audience::Kind::kConsumed:
      return "SELECT DISTINCT user_id FROM signals WHERE resource_id = $3 AND user_id > $1 AND kind IN " +
             std::string(rules::kConsumedSignals) + " AND kind != 'not_interested' ORDER BY user_id LIMIT $2";
    case Audience::Kind::kUsers:
      return "SELECT DISTINCT u.id FROM unnest($3::bigint[]) v JOIN users u ON u.id = v WHERE u.id > $1 AND "
             "u.closed_at IS NULL ORDER BY u.id LIMIT $2";
    case Audience::Kind::kRecommended:
      return "SELECT DISTINCT user_id FROM recommendations WHERE user_id > $1 AND $3::text IS NOT NULL "
             "ORDER BY user_id LIMIT $2";
  }
  return {};
}

Param audience_value(const Audience& a, const Campaign& c) {
  if (a.kind == Audience::Kind::kUsers) return pg::int_array(c.audience_ids);
  return a.value;
}

Result<std::optional<Delivery>> write_push(pg::Connection& db, const Campaign& c, std::int64_t occurrence,
                                           const PushWrite& w, std::int64_t now) {
  const bool deliver = w.state == PushWrite::State::kDeliver;
  const std::string item_id = deliver ? new_id("i_") : std::string();
  MC_TRY(auto ins, db.query("INSERT INTO pushes (campaign_id, occurrence, user_id, resource_id, reason, state, "
                            "not_before, delivered_at, item_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                            "ON CONFLICT DO NOTHING RETURNING 1",
                            {c.id, str(occurrence), str(w.user_id), w.resource_id, w.reason,
                             std::string(rules::push_state_name(w.state)),
                             str(w.state == PushWrite::State::kHold ? w.not_before : now),
                             deliver ? Param(str(now)) : Param(), deliver ? Param(item_id) : Param()}));
  if (ins.empty() || !deliver) return std::optional<Delivery>();
  MC_TRY(auto d, append_push_item(db, w.user_id,
                                  PushItem{item_id, c.creator_id, c.id, w.resource_id, c.message, w.reason, now}));
  return std::optional<Delivery>(d);
}

}  // namespace

// ---- signals -----------------------------------------------------------------

void PgPushStore::record_signals_later(std::vector<Signal> signals) {
  if (signals.empty()) return;
  bool first = false;
  {
    std::lock_guard lock(signals_mu_);
    first = signals_.empty();
    signals_.insert(signals_.end(), std::make_move_iterator(signals.begin()), std::make_move_iterator(signals.end()));
  }
  if (first) e_.submit([this] { flush_signals(); });
}

void PgPushStore::flush_signals() {
  std::vector<Signal> batch;
  {
    std::lock_guard lock(signals_mu_);
    batch.swap(signals_);
  }
  if (!batch.empty()) (void)record_signals(batch);
}

Status PgPushStore::record_signals(const std::vector<Signal>& signals) {
  if (signals.empty()) return {};
  return e_.transact_status([&](pg::Connection& c) { return insert_signals(c, signals); });
}

Result<std::vector<Signal>> PgPushStore::signals_of(std::int64_t user_id, int limit) {
  return e_.read<std::vector<Signal>>([&](pg::Connection& c) -> Result<std::vector<Signal>> {
    MC_TRY(auto rows, c.query("SELECT user_id, resource_id, kind, at FROM signals WHERE user_id = $1 "
                              "ORDER BY at DESC, ctid DESC LIMIT $2",
                              {str(user_id), str(limit)}));
    std::vector<Signal> out;
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(Signal{rows.int64(i, 0), rows.text(i, 1), rows.text(i, 2), rows.int64(i, 3)});
    }
    return out;
  });
}

Status PgPushStore::delete_signals(std::int64_t user_id) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY_STATUS(c.query("DELETE FROM signals WHERE user_id = $1", {str(user_id)}));
    return as_status(c.query("DELETE FROM recommendations WHERE user_id = $1", {str(user_id)}));
  });
}

Status PgPushStore::scan_signals(std::int64_t since, const std::function<void(const Signal&)>& each) {
  // Keyset pages: a few million rows never sit in one libpq result.
  std::string after_ctid;
  std::int64_t after_user = -1;
  for (;;) {
    MC_TRY(auto rows, e_.read<Rows>([&](pg::Connection& c) {
      return c.query(
          "SELECT user_id, resource_id, kind, at FROM signals WHERE at >= $1 AND user_id > $2 "
          "AND user_id <= $2 + 2000 ORDER BY user_id",
          {str(since), str(after_user)});
    }));
    for (int i = 0; i < rows.size(); ++i) {
      each(Signal{rows.int64(i, 0), rows.text(i, 1), rows.text(i, 2), rows.int64(i, 3)});
    }
    MC_TRY(auto more, e_.read<Rows>([&](pg::Connection& c) {
      return c.query("SELECT min(user_id) FROM signals WHERE user_id > $1 + 2000", {str(after_user)});
    }));
    if (more.is_null(0, 0)) return {};
    after_user = more.int64(0, 0) - 1;
  }
}

// ---- settings ------------------------------------------------------------------

Result<PushSettings> PgPushStore::settings(std::int64_t user_id) {
  return e_.read<PushSettings>([&](pg::Connection& c) -> Result<PushSettings> {
    MC_TRY(auto rows, c.query("SELECT per_day, per_week, time_zone, quiet_start, quiet_end, opt_out_all, "
                              "opt_out_kinds, opt_out_tags FROM push_settings WHERE user_id = $1",
                              {str(user_id)}));
    PushSettings s;
    if (rows.empty()) return s;
    if (!rows.is_null(0, 0)) s.per_day = static_cast<int>(rows.int64(0, 0));
    if (!rows.is_null(0, 1)) s.per_week = static_cast<int>(rows.int64(0, 1));
    s.time_zone = rows.text(0, 2);
    if (!rows.is_null(0, 3)) s.quiet_start = static_cast<int>(rows.int64(0, 3));
    if (!rows.is_null(0, 4)) s.quiet_end = static_cast<int>(rows.int64(0, 4));
    s.opt_out_all = rows.boolean(0, 5);
    s.opt_out_kinds = strings_from_json(rows.text(0, 6));
    s.opt_out_tags = strings_from_json(rows.text(0, 7));
    return s;
  });
}

Status PgPushStore::put_settings(std::int64_t user_id, const PushSettings& s) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    return as_status(
        c.query("INSERT INTO push_settings (user_id, per_day, per_week, time_zone, quiet_start, quiet_end, "
                "opt_out_all, opt_out_kinds, opt_out_tags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                "ON CONFLICT (user_id) DO UPDATE SET per_day = $2, per_week = $3, time_zone = $4, quiet_start = $5, "
                "quiet_end = $6, opt_out_all = $7, opt_out_kinds = $8, opt_out_tags = $9",
                {str(user_id), opt(s.per_day), opt(s.per_week), s.time_zone, opt(s.quiet_start), opt(s.quiet_end),
                 s.opt_out_all ? "true" : "false", strings_to_json(s.opt_out_kinds), strings_to_json(s.opt_out_tags)}));
  });
}

// ---- campaigns -------------------------------------------------------------------

Status PgPushStore::create_campaign(const Campaign& c) {
  return e_.transact_status([&](pg::Connection& db) -> Status {
    return as_status(db.query(
        "INSERT INTO campaigns (id, creator_id, resource_ids, message, audience, audience_ids, starts_at, "
        "every, expires_at, state, next_run_at, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        {c.id, str(c.creator_id), strings_to_json(c.resource_ids), c.message, c.audience, pg::int_array(c.audience_ids),
         str(c.starts_at), c.every ? Param(*c.every) : Param(), str(c.expires_at),
         std::string(campaign_state_name(c.state)), opt64(c.next_run_at), str(c.created_at)}));
  });
}

Result<Campaign> PgPushStore::campaign(const std::string& id) {
  return e_.read<Campaign>([&](pg::Connection& c) { return load_campaign(c, id); });
}

Result<std::vector<Campaign>> PgPushStore::campaigns(std::int64_t creator_id) {
  return e_.read<std::vector<Campaign>>([&](pg::Connection& c) -> Result<std::vector<Campaign>> {
    MC_TRY(auto rows, c.query(std::string("SELECT ") + kCampaignColumns +
                                  " FROM campaigns c JOIN users u ON u.id = c.creator_id "
                                  "WHERE $1 = 0 OR c.creator_id = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT 1000",
                              {str(creator_id)}));
    std::vector<Campaign> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(read_campaign(rows, i));
    return out;
  });
}

Result<Campaign> PgPushStore::change_state(const std::string& id, const std::vector<CampaignState>& from,
                                           CampaignState to) {
  return e_.transact<Campaign>([&](pg::Connection& db) -> Result<Campaign> {
    MC_TRY(auto c, load_campaign(db, id, true));
    if (std::find(from.begin(), from.end(), c.state) == from.end()) {
      return Error::failed_precondition("campaign_state",
                                        "campaign '" + id + "' is " + std::string(campaign_state_name(c.state)) +
                                            ": cannot become " + std::string(campaign_state_name(to)));
    }
    MC_TRY_STATUS(
        db.query("UPDATE campaigns SET state = $1 WHERE id = $2", {std::string(campaign_state_name(to)), id}));
    if (to == CampaignState::kCancelled) {
      MC_TRY_STATUS(db.query("UPDATE pushes SET state = 'expired' WHERE campaign_id = $1 AND state = 'held'", {id}));
    }
    c.state = to;
    if (to == CampaignState::kActive) {
      // Paused just as its last write ended: resumed, it is finished.
      MC_TRY(auto fin, db.query("UPDATE campaigns SET state = 'finished' WHERE id = $1 AND next_run_at IS NULL AND "
                                "occurrences > 0 AND NOT EXISTS (SELECT 1 FROM campaign_runs r WHERE "
                                "r.campaign_id = campaigns.id AND NOT r.done) RETURNING 1",
                                {id}));
      if (!fin.empty()) c.state = CampaignState::kFinished;
    }
    return c;
  });
}

Result<CampaignStats> PgPushStore::stats(const std::string& id) {
  return e_.read<CampaignStats>([&](pg::Connection& db) -> Result<CampaignStats> {
    MC_TRY(auto c, load_campaign(db, id));
    MC_TRY(auto rows, db.query("SELECT count(*), count(*) FILTER (WHERE state = 'delivered'), "
                               "count(*) FILTER (WHERE state = 'held'), count(*) FILTER (WHERE state = 'expired'), "
                               "count(*) FILTER (WHERE state = 'skipped'), count(opened_at), count(dismissed_at) "
                               "FROM pushes WHERE campaign_id = $1",
                               {c.id}));
    CampaignStats s{rows.int64(0, 0), rows.int64(0, 1), rows.int64(0, 2), rows.int64(0, 3),
                    rows.int64(0, 4), rows.int64(0, 5), rows.int64(0, 6), {}};
    MC_TRY(auto hours, db.query("SELECT h, sum(d), sum(o) FROM ("
                                "SELECT delivered_at / 3600000 * 3600000 AS h, 1 AS d, 0 AS o FROM pushes "
                                "WHERE campaign_id = $1 AND delivered_at IS NOT NULL UNION ALL "
                                "SELECT opened_at / 3600000 * 3600000, 0, 1 FROM pushes "
                                "WHERE campaign_id = $1 AND opened_at IS NOT NULL) t GROUP BY h ORDER BY h",
                                {c.id}));
    for (int i = 0; i < hours.size(); ++i) {
      s.hours.push_back(CampaignStats::Hour{hours.int64(i, 0), hours.int64(i, 1), hours.int64(i, 2)});
    }
    return s;
  });
}

// ---- the scheduler -----------------------------------------------------------------

Result<std::vector<CampaignRun>> PgPushStore::start_due_runs(std::int64_t now) {
  return e_.transact<std::vector<CampaignRun>>([&](pg::Connection& db) -> Result<std::vector<CampaignRun>> {
    // SKIP LOCKED: two nodes starting runs at once each take other campaigns.
    MC_TRY(auto due, db.query(std::string("SELECT ") + kCampaignColumns +
                                  " FROM campaigns c JOIN users u ON u.id = c.creator_id "
                                  "WHERE c.state = 'active' AND c.next_run_at <= $1 ORDER BY c.next_run_at LIMIT 100 "
                                  "FOR UPDATE OF c SKIP LOCKED",
                              {str(now)}));
    std::vector<CampaignRun> out;
    for (int i = 0; i < due.size(); ++i) {
      Campaign c = read_campaign(due, i);
      const std::int64_t at = *c.next_run_at;
      if (at >= c.expires_at) {
        MC_TRY_STATUS(db.query("UPDATE campaigns SET state = 'finished', next_run_at = NULL WHERE id = $1", {c.id}));
        continue;
      }
      auto next = rules::next_occurrence(c, at, now);
      // The campaign finishes once its last occurrence is sent (write_chunk).
      MC_TRY(auto upd, db.query("UPDATE campaigns SET next_run_at = $1, occurrences = occurrences + 1 WHERE id = $2 "
                                "RETURNING occurrences",
                                {opt64(next), c.id}));
      CampaignRun run{c.id, upd.int64(0, 0), at, 0, false};
      MC_TRY_STATUS(db.query("INSERT INTO campaign_runs (campaign_id, occurrence, scheduled_at) VALUES ($1, $2, $3)",
                             {run.campaign_id, str(run.occurrence), str(run.scheduled_at)}));
      out.push_back(std::move(run));
    }
    return out;
  });
}

Result<std::vector<CampaignRun>> PgPushStore::open_runs() {
  return e_.read<std::vector<CampaignRun>>([&](pg::Connection& c) -> Result<std::vector<CampaignRun>> {
    // A paused campaign's run waits without holding a place among the 100.
    MC_TRY(auto rows, c.query("SELECT r.campaign_id, r.occurrence, r.scheduled_at, r.cursor FROM campaign_runs r "
                              "JOIN campaigns c ON c.id = r.campaign_id WHERE NOT r.done AND c.state != 'paused' "
                              "ORDER BY r.scheduled_at, r.campaign_id, r.occurrence LIMIT 100"));
    std::vector<CampaignRun> out;
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(CampaignRun{rows.text(i, 0), rows.int64(i, 1), rows.int64(i, 2), rows.int64(i, 3), false});
    }
    return out;
  });
}

Result<std::vector<std::int64_t>> PgPushStore::audience_after(const Campaign& c, std::int64_t after_user, int limit) {
  MC_TRY(auto a, rules::parse_audience(c.audience));
  return e_.read<std::vector<std::int64_t>>([&](pg::Connection& db) -> Result<std::vector<std::int64_t>> {
    MC_TRY(auto rows, db.query(audience_sql(a), {str(after_user), str(limit), audience_value(a, c)}));
    std::vector<std::int64_t> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(rows.int64(i, 0));
    return out;
  });
}

Result<std::int64_t> PgPushStore::audience_size(const Campaign& c) {
  MC_TRY(auto a, rules::parse_audience(c.audience));
  return e_.read<std::int64_t>([&](pg::Connection& db) -> Result<std::int64_t> {
    MC_TRY(auto rows,
           db.query("SELECT count(*) FROM (" + audience_sql(a) + ") t", {str(0), Param(), audience_value(a, c)}));
    return rows.int64(0, 0);
  });
}

Result<std::vector<PushTarget>> PgPushStore::targets(const std::vector<std::int64_t>& user_ids, std::int64_t since,
                                                     const std::vector<std::string>& resource_ids) {
  return e_.read<std::vector<PushTarget>>([&](pg::Connection& db) -> Result<std::vector<PushTarget>> {
    std::map<std::int64_t, PushTarget> by_user;
    for (auto id : user_ids) by_user[id].user_id = id;
    const std::string users = pg::int_array(user_ids);
    MC_TRY(auto st, db.query("SELECT user_id, per_day, per_week, time_zone, quiet_start, quiet_end, opt_out_all, "
                             "opt_out_kinds, opt_out_tags FROM push_settings WHERE user_id = ANY($1::bigint[])",
                             {users}));
    for (int i = 0; i < st.size(); ++i) {
      auto& s = by_user[st.int64(i, 0)].settings;
      if (!st.is_null(i, 1)) s.per_day = static_cast<int>(st.int64(i, 1));
      if (!st.is_null(i, 2)) s.per_week = static_cast<int>(st.int64(i, 2));
      s.time_zone = st.text(i, 3);
      if (!st.is_null(i, 4)) s.quiet_start = static_cast<int>(st.int64(i, 4));
      if (!st.is_null(i, 5)) s.quiet_end = static_cast<int>(st.int64(i, 5));
      s.opt_out_all = st.boolean(i, 6);
      s.opt_out_kinds = strings_from_json(st.text(i, 7));
      s.opt_out_tags = strings_from_json(st.text(i, 8));
    }
    MC_TRY(auto sent, db.query("SELECT user_id, delivered_at FROM pushes WHERE user_id = ANY($1::bigint[]) "
                               "AND delivered_at >= $2",
                               {users, str(since)}));
    for (int i = 0; i < sent.size(); ++i) by_user[sent.int64(i, 0)].sent_at.push_back(sent.int64(i, 1));
    if (!resource_ids.empty()) {
      // Filtered by user inside each branch: a campaign's resource may have
      // millions of signals and pushes, a chunk's users few each.
      MC_TRY(auto had, db.query("SELECT user_id, resource_id, 0 FROM signals WHERE user_id = ANY($1::bigint[]) AND "
                                "resource_id = ANY($2::text[]) AND kind IN " +
                                    std::string(rules::kConsumedSignals) +
                                    " UNION SELECT user_id, resource_id, 1 FROM pushes WHERE user_id = "
                                    "ANY($1::bigint[]) AND resource_id = ANY($2::text[]) AND state IN "
                                    "('delivered', 'held')",
                                {users, pg::text_array(resource_ids)}));
      for (int i = 0; i < had.size(); ++i) {
        auto& t = by_user[had.int64(i, 0)];
        (had.int64(i, 2) ? t.pushed : t.consumed).push_back(had.text(i, 1));
      }
    }
    std::vector<PushTarget> out;
    for (auto& [id, t] : by_user) out.push_back(std::move(t));
    return out;
  });
}

Result<std::vector<Delivery>> PgPushStore::write_chunk(const CampaignRun& run, std::int64_t old_cursor,
                                                       std::int64_t new_cursor, bool finished,
                                                       const std::vector<PushWrite>& writes, std::int64_t now) {
  return e_.transact<std::vector<Delivery>>([&](pg::Connection& db) -> Result<std::vector<Delivery>> {
    // Locked and read in this transaction: a pause or a cancel that
    // committed a moment ago holds for every write after it.
    MC_TRY(auto c, load_campaign(db, run.campaign_id, true));
    std::vector<Delivery> out;
    if (c.state == CampaignState::kPaused) return out;
    const bool cancelled = c.state == CampaignState::kCancelled;
    MC_TRY(auto moved, db.query("UPDATE campaign_runs SET cursor = $1, done = $2 WHERE campaign_id = $3 AND "
                                "occurrence = $4 AND cursor = $5 AND NOT done RETURNING 1",
                                {str(cancelled ? old_cursor : new_cursor), finished || cancelled ? "true" : "false",
                                 run.campaign_id, str(run.occurrence), str(old_cursor)}));
    if (moved.empty() || cancelled) return out;  // another scheduler wrote this chunk, or nothing more goes out
    // Accounts closed since the chunk was read get nothing.
    std::vector<std::int64_t> ids;
    for (const auto& w : writes) ids.push_back(w.user_id);
    MC_TRY(auto closed_rows, db.query("SELECT id FROM users WHERE id = ANY($1::bigint[]) AND closed_at IS NOT NULL",
                                      {pg::int_array(ids)}));
    std::set<std::int64_t> closed;
    for (int i = 0; i < closed_rows.size(); ++i) closed.insert(closed_rows.int64(i, 0));
    for (const auto& w : writes) {
      if (closed.count(w.user_id)) continue;
      MC_TRY(auto d, write_push(db, c, run.occurrence, w, now));
      if (d) out.push_back(*d);
    }
    if (finished) {
      // The last occurrence sent: the campaign is done (pushes may still be held).
      MC_TRY_STATUS(
          db.query("UPDATE campaigns SET state = 'finished' WHERE id = $1 AND state = 'active' AND "
                   "next_run_at IS NULL AND NOT EXISTS (SELECT 1 FROM campaign_runs r WHERE "
                   "r.campaign_id = campaigns.id AND NOT r.done)",
                   {c.id}));
    }
    return out;
  });
}

Result<std::vector<Push>> PgPushStore::due_held(std::int64_t now, int limit) {
  return e_.read<std::vector<Push>>([&](pg::Connection& db) -> Result<std::vector<Push>> {
    MC_TRY(auto rows,
           db.query(std::string("SELECT ") + kPushColumns +
                        " FROM pushes p JOIN campaigns c ON c.id = p.campaign_id "
                        "WHERE p.state = 'held' AND p.not_before <= $1 AND c.state IN ('active', 'finished') "
                        "ORDER BY p.not_before LIMIT $2",
                    {str(now), str(limit)}));
    std::vector<Push> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(read_push(rows, i));
    return out;
  });
}

Result<std::vector<Delivery>> PgPushStore::settle_held(const std::vector<std::pair<Push, PushWrite>>& verdicts,
                                                       std::int64_t now) {
  return e_.transact<std::vector<Delivery>>([&](pg::Connection& db) -> Result<std::vector<Delivery>> {
    std::vector<Delivery> out;
    for (const auto& [p, w] : verdicts) {
      const bool deliver = w.state == PushWrite::State::kDeliver;
      const std::string item_id = deliver ? new_id("i_") : std::string();
      MC_TRY(auto changed, db.query("UPDATE pushes SET state = $1, not_before = $2, delivered_at = $3, item_id = $7 "
                                    "WHERE campaign_id = $4 AND occurrence = $5 AND user_id = $6 AND state = 'held' "
                                    "RETURNING 1",
                                    {std::string(rules::push_state_name(w.state)),
                                     str(w.state == PushWrite::State::kHold ? w.not_before : now),
                                     deliver ? Param(str(now)) : Param(), p.campaign_id, str(p.occurrence),
                                     str(p.user_id), deliver ? Param(item_id) : Param()}));
      if (changed.empty() || !deliver) continue;
      MC_TRY(auto c, load_campaign(db, p.campaign_id));
      MC_TRY(auto d, append_push_item(db, p.user_id,
                                      PushItem{item_id, c.creator_id, c.id, p.resource_id, c.message, p.reason, now}));
      out.push_back(d);
    }
    return out;
  });
}

// ---- the user's side -----------------------------------------------------------------

Result<Push> PgPushStore::push_for_item(std::int64_t user_id, const std::string& item_id) {
  return e_.read<Push>([&](pg::Connection& db) -> Result<Push> {
    MC_TRY(auto rows, db.query(std::string("SELECT ") + kPushColumns +
                                   " FROM pushes p JOIN campaigns c ON c.id = p.campaign_id "
                                   "WHERE p.item_id = $1 AND p.user_id = $2",
                               {item_id, str(user_id)}));
    if (rows.empty()) return Error::not_found("push_not_found", "no push with item id '" + item_id + "' in your inbox");
    return read_push(rows, 0);
  });
}

Status PgPushStore::mark_push(std::int64_t user_id, const std::string& item_id, bool dismissed, std::int64_t at) {
  return e_.transact_status([&](pg::Connection& db) -> Status {
    MC_TRY(auto rows, db.query(dismissed ? "UPDATE pushes SET dismissed_at = coalesce(dismissed_at, $1) "
                                           "WHERE item_id = $2 AND user_id = $3 RETURNING 1"
                                         : "UPDATE pushes SET opened_at = coalesce(opened_at, $1) "
                                           "WHERE item_id = $2 AND user_id = $3 RETURNING 1",
                               {str(at), item_id, str(user_id)}));
    if (rows.empty()) return Error::not_found("push_not_found", "no push with item id '" + item_id + "' in your inbox");
    return {};
  });
}

// ---- recommendations --------------------------------------------------------------------

Status PgPushStore::replace_recommendations(
    const std::vector<std::pair<std::int64_t, std::vector<Recommendation>>>& picks, std::int64_t computed_at) {
  return e_.transact_status([&](pg::Connection& db) -> Status {
    std::vector<std::int64_t> users, ranks;
    std::vector<std::string> resources, scores, reasons;
    for (const auto& [user, list] : picks) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        users.push_back(user);
        ranks.push_back(static_cast<std::int64_t>(i + 1));
        resources.push_back(list[i].resource_id);
        scores.push_back(std::to_string(list[i].score));
        reasons.push_back(list[i].reason);
      }
    }
    std::vector<std::int64_t> named;
    for (const auto& p : picks) named.push_back(p.first);
    MC_TRY_STATUS(db.query("DELETE FROM recommendations WHERE user_id = ANY($1::bigint[])", {pg::int_array(named)}));
    if (users.empty()) return {};
    return as_status(
        db.query("INSERT INTO recommendations (user_id, rank, resource_id, score, reason, computed_at) "
                 "SELECT u, r, res, s::double precision, why, $6 FROM unnest($1::bigint[], $2::bigint[], $3::text[], "
                 "$4::text[], $5::text[]) AS t(u, r, res, s, why) "
                 // A user who closed the account while the recommender ran gets none.
                 "JOIN users us ON us.id = t.u AND us.closed_at IS NULL",
                 {pg::int_array(users), pg::int_array(ranks), pg::text_array(resources), pg::text_array(scores),
                  pg::text_array(reasons), str(computed_at)}));
  });
}

Result<std::vector<Recommendation>> PgPushStore::recommendations(std::int64_t user_id) {
  return e_.read<std::vector<Recommendation>>([&](pg::Connection& db) -> Result<std::vector<Recommendation>> {
    MC_TRY(auto rows,
           db.query("SELECT resource_id, score, reason FROM recommendations WHERE user_id = $1 ORDER BY rank",
                    {str(user_id)}));
    std::vector<Recommendation> out;
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(Recommendation{rows.text(i, 0), std::stod(rows.text(i, 1)), rows.text(i, 2)});
    }
    return out;
  });
}

}  // namespace mc::store::postgres
