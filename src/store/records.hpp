// Plain records that cross the storage boundary. No behaviour, no SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/caller.hpp"
#include "core/wire/records.hpp"

namespace mc::store {

struct User {
  std::int64_t id = 0;
  std::string network_id;
  std::string password_hash;  // Argon2id string (libsodium crypto_pwhash_str)
  Role role = Role::kUser;
  std::int64_t created_at = 0;
  bool send_receipts = true;  // may senders see when this user got and opened their shares
};

// Who a network ID names. Users are never renamed or deleted, so this
// pairing never changes once made.
struct UserRef {
  std::int64_t id = 0;
  std::string network_id;
};

struct Session {
  User user;
  std::string device_id;
  std::int64_t expires_at = 0;
};

// Records the protocol sends as they are stored.
using wire::InboxItem;
using wire::ItemKind;
using wire::Receipt;
using wire::Resource;

struct ResourcePage {
  std::vector<Resource> resources;
  std::optional<std::int64_t> next_after;  // set when more may follow: the last one's publishing position
};

struct NewShare {
  std::string id;
  std::int64_t sender_id = 0;
  std::string sender;                        // the sender's network ID
  std::vector<std::string> recipient_names;  // network IDs of recipient_ids, for the answer
  std::string resource_id;
  std::string note;
  std::vector<std::int64_t> recipient_ids;  // distinct
  std::int64_t created_at = 0;
  ItemKind kind = ItemKind::kShare;            // kShare | kForward
  std::optional<std::string> client_id;        // idempotency key chosen by the sender's client
  std::string fingerprint;                     // what the request means; a reused client_id must match it
  std::optional<std::string> parent_share_id;  // forwards: the share that was forwarded
  std::vector<std::string> chain;              // forwards: earlier senders, original sharer first
  std::vector<std::string> refused_names;      // named recipients who do not accept shares from the sender
};

struct Share {
  std::string id;
  std::int64_t sender_id = 0;
  std::string sender;  // network ID
  std::string resource_id;
  std::string note;
  ItemKind kind = ItemKind::kShare;
  std::vector<std::string> chain;
  std::vector<std::string> recipients;  // network IDs
  std::int64_t created_at = 0;
  std::optional<std::int64_t> revoked_at;  // DELETE /v1/shares/{id}
  std::vector<std::string> refused;        // network IDs, in name order
};

// One recipient's new item: enough for a live stream to send it at once.
struct Delivery {
  std::int64_t user_id = 0;
  std::int64_t seq = 0;
  std::string item_id;
};

struct ShareOutcome {
  Share share;
  bool replayed = false;             // the client_id was seen before: nothing new was stored
  std::vector<Delivery> deliveries;  // empty when replayed
};

struct OpenOutcome {
  bool first_open = false;
  std::optional<std::int64_t> notify_user;  // the sender who got a receipt item
};

// An inbox item of kind push: what the provider's campaign sends one user.
struct PushItem {
  std::string item_id;         // chosen by the caller, who records it with the push
  std::int64_t sender_id = 0;  // the campaign's creator
  std::string campaign_id;
  std::string resource_id;
  std::string message;
  std::string reason;
  std::int64_t at = 0;
};

struct GroupMember {
  std::int64_t user_id = 0;
  std::string network_id;
};

struct Group {
  std::string name;
  std::vector<GroupMember> members;
  std::int64_t created_at = 0;
};

}  // namespace mc::store
