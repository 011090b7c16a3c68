#include "store/rules/delivery_rules.hpp"

#include <algorithm>
#include <string>

namespace mc::store::rules {

Status check_replay(std::string_view client_id, std::string_view stored_fingerprint, std::string_view fingerprint) {
  if (stored_fingerprint == fingerprint) return {};
  return Error::already_exists("client_id_reused",
                               "client_id '" + std::string(client_id) + "' was already used for a different share");
}

Result<AckMove> plan_ack(std::int64_t seq, std::int64_t head, std::int64_t cursor) {
  if (seq > head) {
    return Error::failed_precondition("ack_beyond_head", "seq " + std::to_string(seq) + " is past the newest item (" +
                                                             std::to_string(head) + ")");
  }
  if (seq <= cursor) return AckMove{cursor, false};
  return AckMove{seq, true};
}

bool receipt_owed(const OpenedItem& item) {
  return !item.already_opened && (item.kind == wire::ItemKind::kShare || item.kind == wire::ItemKind::kForward) &&
         item.recipient_allows_receipts && item.sender_id != item.recipient_id;
}

RecipientSplit split_recipients(const NewShare& share, const std::set<std::int64_t>& refusing) {
  RecipientSplit out;
  out.refused_names = share.refused_names;
  for (std::size_t i = 0; i < share.recipient_ids.size(); ++i) {
    bool named = i < share.recipient_names.size();
    if (refusing.count(share.recipient_ids[i])) {
      if (named) out.refused_names.push_back(share.recipient_names[i]);
    } else {
      out.ids.push_back(share.recipient_ids[i]);
      if (named) out.names.push_back(share.recipient_names[i]);
    }
  }
  std::sort(out.refused_names.begin(), out.refused_names.end());
  return out;
}

Error nobody_accepts() {
  return Error::permission_denied("not_accepted", "the recipients do not accept shares from you");
}

}  // namespace mc::store::rules
