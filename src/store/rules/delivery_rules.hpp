// The delivery rules every store implementation applies inside its write
// transactions, as pure functions: so SQLite and PostgreSQL decide the same
// way, and the rules are tested without a database.
#pragma once

#include <cstdint>
#include <set>
#include <string_view>

#include "core/error.hpp"
#include "core/wire/records.hpp"
#include "store/records.hpp"

namespace mc::store::rules {

// A send whose client_id this sender used before: a retry of the same
// send (same fingerprint) replays the stored share; anything else is
// refused with kAlreadyExists "client_id_reused".
Status check_replay(std::string_view client_id, std::string_view stored_fingerprint, std::string_view fingerprint);

// A share's recipients split by whether they accept it: those who do get
// it (ids and names in the share's order); the names of those who do not
// are reported, sorted, after any the share already names as refused.
struct RecipientSplit {
  std::vector<std::int64_t> ids;
  std::vector<std::string> names;
  std::vector<std::string> refused_names;
};
RecipientSplit split_recipients(const NewShare& share, const std::set<std::int64_t>& refusing);

// A share none of whose recipients accepts it from its sender: nothing is
// stored, and the answer is the one a single refusing recipient gives
// (kPermissionDenied "not_accepted"), whatever each one's reason.
Error nobody_accepts();

// Where an ack of `seq` moves a device's cursor, given the inbox head and
// the device's cursor now. Acks never move a cursor back; an ack past the
// head is refused with kFailedPrecondition "ack_beyond_head".
struct AckMove {
  std::int64_t cursor = 0;  // the device's cursor afterwards
  bool moved = false;       // items (old cursor, cursor] become delivered
};
Result<AckMove> plan_ack(std::int64_t seq, std::int64_t head, std::int64_t cursor);

// Whether opening an item sends its sender a receipt item: only the first
// open of a share or a forward, only if the recipient allows receipts, and
// never to oneself.
struct OpenedItem {
  wire::ItemKind kind = wire::ItemKind::kShare;
  bool already_opened = false;
  bool recipient_allows_receipts = true;
  std::int64_t sender_id = 0;
  std::int64_t recipient_id = 0;
};
bool receipt_owed(const OpenedItem& item);

}  // namespace mc::store::rules
