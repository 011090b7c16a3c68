// A storage backend: one store per area, over one database. The embedded
// default is store/sqlite/ (SqliteBackend); every backend passes the same
// conformance suite (store/conformance/), so a table exists in every
// backend or in none.
#pragma once

#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"
#include "store/group_store.hpp"
#include "store/handler_store.hpp"
#include "store/push_store.hpp"
#include "store/social_store.hpp"

namespace mc::store {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual AccountStore& accounts() = 0;
  virtual CatalogStore& catalog() = 0;
  virtual DeliveryStore& delivery() = 0;
  virtual GroupStore& groups() = 0;
  virtual HandlerStore& handlers() = 0;
  virtual SocialStore& social() = 0;
  virtual PushStore& push() = 0;
  // Closes an account in one transaction: the user's personal data in every
  // area goes (sessions, inbox, cursors, group memberships and groups,
  // grants, profile, identifiers, contacts, friends, requests and blocks
  // both ways, signals, push settings, pushes, recommendations), the
  // password is cleared so that nobody logs in, and the row stays with
  // closed_at set, so that the network ID is never given to someone else.
  // Shares the user sent stay in their recipients' inboxes. Idempotent.
  virtual Status close_account(std::int64_t user_id, std::int64_t at) = 0;
  // Returns once every write submitted so far has committed and its
  // completion has run (shutdown calls it before the threads those
  // completions post to go away).
  virtual void flush_writes() = 0;

  // For the node's metrics: writes done, the transactions that carried them
  // (fewer with group commit) and writes waiting now.
  struct Stats {
    std::uint64_t writes = 0;
    std::uint64_t commits = 0;
    std::uint64_t queued = 0;
  };
  virtual Stats stats() const = 0;
};

}  // namespace mc::store
