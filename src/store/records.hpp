// Plain records that cross the storage boundary. No behaviour, no SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mc::store {

struct User {
  std::int64_t id = 0;
  std::string network_id;
  std::string password_hash;  // Argon2id string (libsodium crypto_pwhash_str)
  std::string role;           // "user" | "provider"
  std::int64_t created_at = 0;
};

struct Session {
  User user;
  std::string device_id;
  std::int64_t expires_at = 0;
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
  std::int64_t position = 0;  // insertion order; the catalog's paging key
};

struct ResourcePage {
  std::vector<Resource> resources;
  std::optional<std::int64_t> next_after;  // set when more may follow
};

struct NewShare {
  std::string id;
  std::int64_t sender_id = 0;
  std::string resource_id;
  std::string note;
  std::vector<std::int64_t> recipient_ids;  // distinct
  std::int64_t created_at = 0;
};

struct InboxItem {
  std::string id;
  std::int64_t seq = 0;  // per-owner, gapless, starting at 1
  std::string kind;      // "share"
  std::string share_id;
  std::string sender;    // network ID
  std::string note;
  std::int64_t created_at = 0;
  Resource resource;
};

}  // namespace mc::store
