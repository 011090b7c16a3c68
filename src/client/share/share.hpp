// Share (mission 2): form a share message from a resource, or forward a
// received item, and send it to users (by network ID) and groups.
//
// Every send carries a client_id. When the answer is lost (the connection
// broke, the server restarted) the send is retried with the same client_id,
// so the server stores it once however many times it arrives.
#pragma once

#include <string>
#include <vector>

#include "client/connection.hpp"
#include "core/wire/records.hpp"

namespace mc::client {

struct ShareMessage {
  std::string resource_id;             // share this resource, or
  std::string forward_of;              // forward this inbox item (keeps its provenance)
  std::vector<std::string> to;         // network IDs
  std::vector<std::string> to_groups;  // names of the sender's groups
  bool to_friends = false;             // and every friend of the sender
  bool to_contacts = false;            // and every matched contact of the sender
  std::string note;
  std::string client_id;  // "" picks a random one
};

// Returns the stored share.
Result<wire::Share> send_share(Connection& conn, ShareMessage msg);

// Per recipient of a share the caller sent: when it was delivered and opened.
Result<std::vector<wire::Receipt>> share_receipts(Connection& conn, const std::string& share_id);
// Revokes a share the user sent, and the forwards made from it: recipients
// lose the access it gave them to a restricted resource. Returns revoked_at.
Result<std::int64_t> revoke_share(Connection& conn, const std::string& share_id);

}  // namespace mc::client
