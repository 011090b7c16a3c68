// Internal to delivery/: the wire form of a stored share.
#pragma once

#include "core/wire/records.hpp"
#include "store/records.hpp"

namespace mc::delivery {

// The share as the protocol shows it: without the sender's user id.
inline wire::Share to_wire(const store::Share& s) {
  return wire::Share{s.id,   s.kind,       s.resource_id, s.sender,     s.recipients,
                     s.note, s.created_at, s.chain,       s.revoked_at, s.refused};
}

}  // namespace mc::delivery
