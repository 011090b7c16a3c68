// Storage of shares, per-user inboxes, device cursors and receipts.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  // Stores the share and one inbox item per recipient, each with its owner's
  // next sequence number, in one durable transaction: when this returns ok
  // the whole share is committed and fsynced; on error nothing is stored.
  // With a client_id already used by this sender: the stored share, with
  // replayed = true, if the fingerprint matches; else kAlreadyExists "client_id_reused".
  virtual Result<ShareOutcome> create_share(const NewShare& share) = 0;
  // As create_share, without blocking the caller: `done` gets the outcome
  // once it is durable (or failed), on a thread of the store's own. `done`
  // must be quick and must not block.
  virtual void create_share_async(NewShare share, std::function<void(Result<ShareOutcome>)> done) = 0;
  // Errors: kNotFound "share_not_found".
  virtual Result<Share> get_share(const std::string& share_id) = 0;
  // The share this sender stored under `client_id`, with its fingerprint.
  virtual Result<std::optional<std::pair<Share, std::string>>> find_by_client_id(std::int64_t sender_id,
                                                                                 const std::string& client_id) = 0;

  // Items of `user_id` with seq > after, in seq order, at most `limit`.
  virtual Result<std::vector<InboxItem>> list_inbox(std::int64_t user_id, std::int64_t after, int limit) = 0;
  // Errors: kNotFound "item_not_found" (also when the item is someone else's).
  virtual Result<InboxItem> get_item(std::int64_t user_id, const std::string& item_id) = 0;
  // The highest seq in the user's inbox (0 when empty).
  virtual Result<std::int64_t> inbox_head(std::int64_t user_id) = 0;

  // The highest seq the device has acked (0 if none).
  virtual Result<std::int64_t> device_cursor(std::int64_t user_id, const std::string& device_id) = 0;
  // Moves the device's cursor forward to `seq` (never back) and marks the
  // items it covers delivered. Returns the cursor. Errors: kFailedPrecondition
  // "ack_beyond_head" when seq is past the newest item.
  virtual Result<std::int64_t> ack(std::int64_t user_id, const std::string& device_id, std::int64_t seq) = 0;

  // Marks the item opened. On the first open of a share or forward whose
  // recipient allows receipts, the sender gets a "receipt" item.
  virtual Result<OpenOutcome> mark_opened(std::int64_t user_id, const std::string& item_id) = 0;
  // Per recipient of the share: delivered and opened times, hidden for
  // recipients who turned receipts off.
  virtual Result<std::vector<Receipt>> receipts(const std::string& share_id) = 0;

  // Marks the share and every forward made from it, at any depth, revoked
  // at `at` (a time already set stays). Errors: kNotFound "share_not_found".
  virtual Status revoke_share(const std::string& share_id, std::int64_t at) = 0;
  // When the access that `user_id` has to `resource_id` through shares
  // began: the newest of the shares and forwards that reached them and are
  // not revoked, each counted from its root share's time (a forward never
  // renews it); nullopt when no such share reached them.
  virtual Result<std::optional<std::int64_t>> received_share_at(std::int64_t user_id,
                                                                const std::string& resource_id) = 0;
};

}  // namespace mc::store
