// Receiving shares, forwards, pushes and receipts: page through the inbox,
// and follow it live over /v1/stream.
//
// Following stores each new item in the local store (item and cursor in one
// transaction), then hands it to the caller, then acks it to the server, in
// that order. It reconnects after a lost connection and resumes after the
// last stored item, and never hands over one item id twice: not within a
// follow, and not an item the local store already had (even with an
// explicit `after`).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "client/connection.hpp"
#include "client/local/local_store.hpp"
#include "core/wire/records.hpp"

namespace mc::client {

// Up to `limit` items with seq > after, in seq order (any limit: the client
// pages through the server, which answers at most 1,000 at a time), with
// the inbox's head and this device's cursor.
Result<wire::InboxPage> list_inbox(Connection& conn, std::int64_t after, std::int64_t limit);
Result<wire::InboxItem> get_item(Connection& conn, const std::string& item_id);
// Tells the server the item was opened (the sender may get a receipt).
Status mark_opened(Connection& conn, const std::string& item_id);

// Where a follow stands, for apps that show it: "connecting" (before each
// attempt), "connected" (the stream is open), "disconnected" (it was lost or
// could not be opened; the error says why; a new attempt follows).
using FollowStateFn = std::function<void(std::string_view state, const Error* error)>;

struct FollowOptions {
  // Deliver items with seq > after; unset: after the local store's cursor.
  std::optional<std::int64_t> after;
  LocalStore* local = nullptr;              // where items and the cursor are kept
  const std::atomic<bool>* stop = nullptr;  // set to true to return
  FollowStateFn on_state;                   // optional
};

// Calls `on_item` for every item after the start point, in seq order, until
// `stop` or `on_item` returns an error. Errors: authentication errors end
// the follow at once; so does a failing local store.
Status follow_inbox(Connection& conn, const FollowOptions& opts,
                    const std::function<Status(const wire::InboxItem&)>& on_item);

}  // namespace mc::client
