// Storage of shares and of per-user inboxes.
#pragma once

#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

struct ShareReceipt {
  std::string share_id;
  std::int64_t created_at = 0;
};

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  // Stores the share and one inbox item per recipient, each with its owner's
  // next sequence number, in one durable transaction: when this returns ok
  // the whole share is committed and fsynced; on error nothing is stored.
  virtual Result<ShareReceipt> create_share(const NewShare& share) = 0;

  // Items of `user_id` with seq > after, in seq order, at most `limit`.
  virtual Result<std::vector<InboxItem>> list_inbox(std::int64_t user_id, std::int64_t after, int limit) = 0;
  // The highest seq in the user's inbox (0 when empty).
  virtual Result<std::int64_t> inbox_head(std::int64_t user_id) = 0;
};

}  // namespace mc::store
