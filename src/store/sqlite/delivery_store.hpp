// DeliveryStore on the embedded engine: shares, inboxes, device cursors and
// receipts.
#pragma once

#include <string_view>
#include <vector>

#include "store/delivery_store.hpp"
#include "store/sqlite/engine.hpp"

namespace mc::store::sqlite {

const AreaSchema& delivery_schema();

// The statements that forget a user's data in this area (?1: the user id),
// run by SqliteBackend::close_account in one transaction.
const std::vector<std::string_view>& delivery_forget_user();

// Appends an item about a person (a friend request or acceptance from
// `actor_id`, with `text`) to `user_id`'s inbox, inside another store's
// write job: the event and its item commit together.
Result<Delivery> append_person_item(mc::sqlite::Database& db, std::int64_t user_id, ItemKind kind,
                                    std::int64_t actor_id, const std::string& text, std::int64_t at);

// Appends a push item to `user_id`'s inbox, inside the push store's write
// job: the push's row and its item commit together.
Result<Delivery> append_push_item(mc::sqlite::Database& db, std::int64_t user_id, const PushItem& push);
// The same for many users (each once), 100 rows to a statement.
Result<std::vector<Delivery>> append_push_items(mc::sqlite::Database& db,
                                                const std::vector<std::pair<std::int64_t, PushItem>>& items);

class SqliteDeliveryStore final : public DeliveryStore {
 public:
  explicit SqliteDeliveryStore(Engine& engine) : engine_(engine) {}

  Result<ShareOutcome> create_share(const NewShare& share) override;
  void create_share_async(NewShare share, std::function<void(Result<ShareOutcome>)> done) override;
  Result<Share> get_share(const std::string& share_id) override;
  Result<std::optional<std::pair<Share, std::string>>> find_by_client_id(std::int64_t sender_id,
                                                                         const std::string& client_id) override;
  Result<std::vector<InboxItem>> list_inbox(std::int64_t user_id, std::int64_t after, int limit) override;
  Result<InboxItem> get_item(std::int64_t user_id, const std::string& item_id) override;
  Result<std::int64_t> inbox_head(std::int64_t user_id) override;
  Result<std::int64_t> device_cursor(std::int64_t user_id, const std::string& device_id) override;
  Result<std::int64_t> ack(std::int64_t user_id, const std::string& device_id, std::int64_t seq) override;
  Result<OpenOutcome> mark_opened(std::int64_t user_id, const std::string& item_id) override;
  Result<std::vector<Receipt>> receipts(const std::string& share_id) override;
  Status revoke_share(const std::string& share_id, std::int64_t at) override;
  Result<std::optional<std::int64_t>> received_share_at(std::int64_t user_id, const std::string& resource_id) override;

 private:
  Engine& engine_;
};

}  // namespace mc::store::sqlite
