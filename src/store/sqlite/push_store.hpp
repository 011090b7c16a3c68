// PushStore on the embedded engine: signals, push settings, campaigns and
// their runs, pushes, recommendations.
#pragma once

#include <string_view>
#include <vector>

#include "store/push_store.hpp"
#include "store/sqlite/engine.hpp"

namespace mc::store::sqlite {

const AreaSchema& push_schema();

// The statements that forget a user's data in this area (?1: the user id),
// run by SqliteBackend::close_account in one transaction.
const std::vector<std::string_view>& push_forget_user();

class SqlitePushStore final : public PushStore {
 public:
  explicit SqlitePushStore(Engine& engine) : engine_(engine) {}

  void record_signals_later(std::vector<Signal> signals) override;
  Status record_signals(const std::vector<Signal>& signals) override;
  Result<std::vector<Signal>> signals_of(std::int64_t user_id, int limit) override;
  Status delete_signals(std::int64_t user_id) override;
  Status scan_signals(std::int64_t since, const std::function<void(const Signal&)>& each) override;
  Result<PushSettings> settings(std::int64_t user_id) override;
  Status put_settings(std::int64_t user_id, const PushSettings& s) override;
  Status create_campaign(const Campaign& c) override;
  Result<Campaign> campaign(const std::string& id) override;
  Result<std::vector<Campaign>> campaigns(std::int64_t creator_id) override;
  Result<Campaign> change_state(const std::string& id, const std::vector<CampaignState>& from,
                                CampaignState to) override;
  Result<CampaignStats> stats(const std::string& id) override;
  Result<std::vector<CampaignRun>> start_due_runs(std::int64_t now) override;
  Result<std::vector<CampaignRun>> open_runs() override;
  Result<std::vector<std::int64_t>> audience_after(const Campaign& c, std::int64_t after_user, int limit) override;
  Result<std::int64_t> audience_size(const Campaign& c) override;
  Result<std::vector<PushTarget>> targets(const std::vector<std::int64_t>& user_ids, std::int64_t since,
                                          const std::vector<std::string>& resource_ids) override;
  Result<std::vector<Delivery>> write_chunk(const CampaignRun& run, std::int64_t old_cursor, std::int64_t new_cursor,
                                            bool finished, const std::vector<PushWrite>& writes,
                                            std::int64_t now) override;
  Result<std::vector<Push>> due_held(std::int64_t now, int limit) override;
  Result<std::vector<Delivery>> settle_held(const std::vector<std::pair<Push, PushWrite>>& verdicts,
                                            std::int64_t now) override;
  Result<Push> push_for_item(std::int64_t user_id, const std::string& item_id) override;
  Status mark_push(std::int64_t user_id, const std::string& item_id, bool dismissed, std::int64_t at) override;
  Status replace_recommendations(const std::vector<std::pair<std::int64_t, std::vector<Recommendation>>>& picks,
                                 std::int64_t computed_at) override;
  Result<std::vector<Recommendation>> recommendations(std::int64_t user_id) override;

 private:
  Engine& engine_;
};

}  // namespace mc::store::sqlite
