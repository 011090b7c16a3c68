// Storage of personal pushes (docs/pushes.md): signals of taste, push
// settings, campaigns and their occurrences, the pushes themselves, and the
// recommender's precomputed picks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

// One event that reveals taste. kind: viewed | downloaded | opened | shared
// | forwarded | push_opened | push_dismissed | not_interested.
struct Signal {
  std::int64_t user_id = 0;
  std::string resource_id;
  std::string kind;
  std::int64_t at = 0;
};

// What a user asked for. Unset caps follow the provider's defaults.
struct PushSettings {
  std::optional<int> per_day;
  std::optional<int> per_week;
  std::string time_zone = "UTC";
  std::optional<int> quiet_start;  // minutes after local midnight; both or neither
  std::optional<int> quiet_end;
  bool opt_out_all = false;
  std::vector<std::string> opt_out_kinds;
  std::vector<std::string> opt_out_tags;
};

enum class CampaignState { kActive, kPaused, kCancelled, kFinished };
std::string_view campaign_state_name(CampaignState s);

struct Campaign {
  std::string id;
  std::int64_t creator_id = 0;
  std::string creator;  // network ID
  std::vector<std::string> resource_ids;
  std::string message;
  std::string audience;  // "everyone" | "tag:T" | "kind:K" | "consumed:ID" | "users:a,b" | "recommended"
  std::vector<std::int64_t> audience_ids;  // users:..., resolved when created
  std::int64_t starts_at = 0;
  std::optional<std::string> every;  // "day" | "week"
  std::int64_t expires_at = 0;
  CampaignState state = CampaignState::kActive;
  std::optional<std::int64_t> next_run_at;  // none once the last occurrence started
  std::int64_t created_at = 0;
  std::int64_t occurrences = 0;  // started so far
};

// One firing of a campaign, being sent or sent.
struct CampaignRun {
  std::string campaign_id;
  std::int64_t occurrence = 0;
  std::int64_t scheduled_at = 0;
  std::int64_t cursor = 0;  // the last user id handled
  bool done = false;
};

// The scheduler's verdict for one user of a chunk, or for a held push.
struct PushWrite {
  std::int64_t user_id = 0;
  std::string resource_id;  // empty: skipped (opted out, nothing left to push)
  std::string reason;
  enum class State { kDeliver, kHold, kExpire, kSkip } state = State::kDeliver;
  std::int64_t not_before = 0;  // kHold
};

// A push as its user and its campaign see it.
struct Push {
  std::string campaign_id;
  std::int64_t occurrence = 0;
  std::int64_t user_id = 0;
  std::string resource_id;
  std::string reason;
  std::string state;  // held | delivered | expired | skipped
  std::int64_t not_before = 0;
  std::optional<std::string> item_id;
  std::optional<std::int64_t> delivered_at;
  std::optional<std::int64_t> opened_at;
  std::optional<std::int64_t> dismissed_at;
  std::int64_t expires_at = 0;  // the campaign's
};

struct CampaignStats {
  std::int64_t targeted = 0;  // pushes decided (every state)
  std::int64_t delivered = 0;
  std::int64_t held = 0;
  std::int64_t expired = 0;
  std::int64_t skipped = 0;
  std::int64_t opened = 0;
  std::int64_t dismissed = 0;
  struct Hour {
    std::int64_t hour = 0;  // unix seconds at the hour's start
    std::int64_t delivered = 0;
    std::int64_t opened = 0;
  };
  std::vector<Hour> hours;  // hours with deliveries or opens, in order
};

// What the rules need to know of one user before pushing them something.
struct PushTarget {
  std::int64_t user_id = 0;
  PushSettings settings;
  std::vector<std::int64_t> sent_at;  // their pushes delivered since the window's start
  std::vector<std::string> consumed;  // of the resources asked about: a positive signal or not interested
  std::vector<std::string> pushed;    // of the resources asked about: delivered or held to them
};

struct Recommendation {
  std::string resource_id;
  double score = 0;
  std::string reason;
};

class PushStore {
 public:
  virtual ~PushStore() = default;

  // ---- signals
  // A user's signal of one kind on one resource counts once a day: a second
  // within 24 hours is not stored (a client reloading a page grows nothing).
  // Signals of closed accounts are not stored.
  // Queues signals for the next group commit without waiting for it: a
  // signal is a hint, and no request waits on its fsync.
  virtual void record_signals_later(std::vector<Signal> signals) = 0;
  // As above, returning once they are durable (tests, imports).
  virtual Status record_signals(const std::vector<Signal>& signals) = 0;
  // The user's own signals, newest first, at most `limit`.
  virtual Result<std::vector<Signal>> signals_of(std::int64_t user_id, int limit) = 0;
  virtual Status delete_signals(std::int64_t user_id) = 0;
  // Every signal since `since` (the recommender's training data), calling
  // `each` per signal in no particular order.
  virtual Status scan_signals(std::int64_t since, const std::function<void(const Signal&)>& each) = 0;

  // ---- settings
  virtual Result<PushSettings> settings(std::int64_t user_id) = 0;
  virtual Status put_settings(std::int64_t user_id, const PushSettings& s) = 0;

  // ---- campaigns
  virtual Status create_campaign(const Campaign& c) = 0;
  // Errors: kNotFound "campaign_not_found".
  virtual Result<Campaign> campaign(const std::string& id) = 0;
  // Newest first; creator 0: every campaign.
  virtual Result<std::vector<Campaign>> campaigns(std::int64_t creator_id) = 0;
  // Moves the campaign to `to` if its state is one of `from`. Errors:
  // campaign_not_found; kFailedPrecondition "campaign_state" otherwise.
  virtual Result<Campaign> change_state(const std::string& id, const std::vector<CampaignState>& from,
                                        CampaignState to) = 0;
  virtual Result<CampaignStats> stats(const std::string& id) = 0;

  // ---- the scheduler
  // Starts every occurrence due at `now`: each active campaign whose
  // next_run_at has come gets a run, and its next_run_at moves on (to the
  // next day or week, or none), in one transaction per campaign. Campaigns
  // past their expiry are finished instead.
  virtual Result<std::vector<CampaignRun>> start_due_runs(std::int64_t now) = 0;
  // Runs not yet done of campaigns not paused, oldest first.
  virtual Result<std::vector<CampaignRun>> open_runs() = 0;
  // The next users of a run's audience after `after_user`, in id order.
  virtual Result<std::vector<std::int64_t>> audience_after(const Campaign& c, std::int64_t after_user, int limit) = 0;
  // How many users the audience holds now.
  virtual Result<std::int64_t> audience_size(const Campaign& c) = 0;
  // Settings, pushes delivered since `since`, and which of `resource_ids`
  // each user already consumed, and was already pushed.
  virtual Result<std::vector<PushTarget>> targets(const std::vector<std::int64_t>& user_ids, std::int64_t since,
                                                  const std::vector<std::string>& resource_ids) = 0;
  // Writes one chunk of a run: a pushes row per user (a user already
  // written for this occurrence, or whose account is closed, is left out),
  // an inbox item for each delivered now, and the run's cursor moved to
  // `new_cursor` (done when `finished`), all in one transaction. Nothing is
  // written if the cursor is no longer `old_cursor` (another scheduler wrote
  // this chunk) or the campaign is paused; a cancelled campaign's run is
  // marked done and nothing else is written.
  virtual Result<std::vector<Delivery>> write_chunk(const CampaignRun& run, std::int64_t old_cursor,
                                                    std::int64_t new_cursor, bool finished,
                                                    const std::vector<PushWrite>& writes, std::int64_t now) = 0;
  // Held pushes due at `now` of campaigns neither paused nor cancelled, at most `limit`.
  virtual Result<std::vector<Push>> due_held(std::int64_t now, int limit) = 0;
  // Settles held pushes: delivers, holds again or expires each, if still held.
  virtual Result<std::vector<Delivery>> settle_held(const std::vector<std::pair<Push, PushWrite>>& verdicts,
                                                    std::int64_t now) = 0;

  // ---- the user's side
  // The push behind the user's inbox item. Errors: kNotFound "push_not_found".
  virtual Result<Push> push_for_item(std::int64_t user_id, const std::string& item_id) = 0;
  // Records an open or a dismissal of the push (the first time counts).
  virtual Status mark_push(std::int64_t user_id, const std::string& item_id, bool dismissed, std::int64_t at) = 0;

  // ---- recommendations
  // Replaces the stored picks of each user named (closed accounts get none).
  virtual Status replace_recommendations(const std::vector<std::pair<std::int64_t, std::vector<Recommendation>>>& picks,
                                         std::int64_t computed_at) = 0;
  virtual Result<std::vector<Recommendation>> recommendations(std::int64_t user_id) = 0;
};

}  // namespace mc::store
