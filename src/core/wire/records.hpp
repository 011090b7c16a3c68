// The records of the protocol (docs/protocol.md), as plain structs: what
// the server, the client library and the CLI exchange. codec.hpp turns each into
// its JSON and back; nothing else writes these shapes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/caller.hpp"

namespace mc::wire {

// What an inbox item is. "share" and "forward" come from users, "receipt"
// from the server when a recipient opened a share, "friend_request" and
// "friend_accepted" when someone asked to be this user's friend or
// accepted their request (no resource: the other user is the sender), "push"
// when a provider's campaign sent the user a resource. kOther is a kind this
// program does not know (a newer server's): such an item still arrives, is
// stored and shown, with its kind's name in InboxItem::other_kind.
enum class ItemKind { kShare, kForward, kReceipt, kFriendRequest, kFriendAccepted, kPush, kOther };
std::string_view item_kind_name(ItemKind kind);
std::optional<ItemKind> parse_item_kind(std::string_view name);

struct Settings {
  bool send_receipts = true;  // may senders see when this user got and opened their shares
};

struct User {
  std::string network_id;
  Role role = Role::kUser;
  std::int64_t created_at = 0;
  std::optional<std::string> device_id;  // GET /v1/me: the device of this login
  std::optional<Settings> settings;      // GET /v1/me
};

// The answer to POST /v1/sessions.
struct Login {
  std::string token;
  std::int64_t expires_at = 0;
  std::string device_id;
  User user;
};

struct Resource {
  std::string id;
  std::string type;
  std::string title;
  std::vector<std::string> tags;
  std::string sha256;
  std::int64_t size = 0;
  std::string mime;
  std::string filename;
  std::string publisher;  // network ID of the provider that published it
  std::int64_t created_at = 0;
  std::string description;
  std::int64_t updated_at = 0;
  std::string access = "public";                     // "public" | "restricted" (docs/catalog.md "Access")
  bool shareable = true;                             // may recipients of a share read it when restricted
  std::optional<std::int64_t> share_access_seconds;  // how long a share gives access; none: while it stands
  std::string attributes = "{}";                     // the kind's attributes as canonical JSON text (docs/protocol.md)
  bool gone = false;                                 // unpublished by its provider
};

struct ResourcePage {
  std::vector<Resource> resources;
  std::optional<std::int64_t> next_after;  // ?after= listings: set when more may follow
  std::optional<std::string> next_cursor;  // browse and search: the next page's cursor
};

// The answer to POST /v1/blobs.
struct StoredBlob {
  std::string sha256;
  std::int64_t size = 0;
};

struct Share {
  std::string id;
  ItemKind kind = ItemKind::kShare;  // kShare or kForward
  std::string resource_id;
  std::string sender;
  std::vector<std::string> to;  // recipients' network IDs, in name order
  std::string note;
  std::int64_t created_at = 0;
  std::vector<std::string> chain;          // forwards: earlier senders, original sharer first
  std::optional<std::int64_t> revoked_at;  // set once its sender revoked it (DELETE /v1/shares/{id})
  std::vector<std::string> refused;        // named recipients who do not accept shares from the sender
};

struct InboxItem {
  std::string id;
  std::int64_t seq = 0;  // per owner, gapless, from 1
  ItemKind kind = ItemKind::kShare;
  std::string share_id;
  std::string sender;  // a receipt's: the recipient who opened
  std::string note;
  std::int64_t created_at = 0;
  std::vector<std::string> chain;  // forwards: earlier senders, original first
  Resource resource;
  std::string other_kind;   // kOther: the kind's name on the wire
  std::string campaign_id;  // kPush: the campaign that sent it
  std::string reason;       // kPush: why this user got it, for people
};

struct InboxPage {
  std::vector<InboxItem> items;
  std::int64_t head = 0;    // the newest seq in the inbox
  std::int64_t cursor = 0;  // what this device has acked
};

struct Receipt {
  std::string network_id;
  bool hidden = false;  // the recipient turned receipts off
  std::optional<std::int64_t> delivered_at;
  std::optional<std::int64_t> opened_at;
};

struct ShareReceipts {
  std::string share_id;
  std::vector<Receipt> receipts;
};

struct Group {
  std::string name;
  std::vector<std::string> members;  // network IDs, in name order
  std::int64_t created_at = 0;
};

// A published handler version (docs/handlers.md "The store"): its manifest's
// fields and where its package came from.
struct Handler {
  std::string name;
  std::string version;
  std::vector<std::string> kinds;
  std::vector<std::string> mimes;
  std::string entry;
  std::string min_client;
  std::string description;
  std::string sha256;  // of the package file
  std::int64_t size = 0;
  std::string key_id;  // the publishing key that signed it
  std::string publisher;
  std::int64_t published_at = 0;
  std::string match;  // GET /v1/handlers?kind=&mime= only: "kind", "mime", "mime_wildcard"
};

// A registered publishing key (GET /v1/handler-keys).
struct HandlerKey {
  std::string key_id;
  std::string public_key;  // 64 hex digits
  std::int64_t added_at = 0;
};

// The answer to POST /v1/inbox/ack, and the stream's "acked" frame.
struct Ack {
  std::int64_t cursor = 0;
  std::string device_id;  // HTTP answer only
};

// The stream's first frame.
struct Hello {
  std::string network_id;
  std::string device_id;
  std::int64_t after = 0;   // the stream sends items with seq > after
  std::int64_t cursor = 0;  // what this device had acked when it connected
};

}  // namespace mc::wire
