// Receiving shares and pushes: page through the inbox, and follow it live
// over /v1/stream. Following reconnects after a lost connection and resumes
// after the last item it delivered, and never delivers one item id twice.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <vector>

#include "client/connection.hpp"

namespace mc::client {

struct InboxPage {
  std::vector<boost::json::object> items;  // wire shape, docs/protocol.md "Inbox item"
  std::int64_t head = 0;                   // the newest seq in the inbox
};

Result<InboxPage> list_inbox(Connection& conn, std::int64_t after, int limit);

struct FollowOptions {
  std::int64_t after = 0;             // deliver items with seq > after
  const std::atomic<bool>* stop = nullptr;  // set to true to return
  std::function<void()> on_connected;       // called after each (re)connection
};

// Calls `on_item` for every item after `after`, in seq order, until `stop`
// or `on_item` returns an error. Reconnects with backoff when the server
// goes away. Errors: authentication errors end the follow at once.
Status follow_inbox(Connection& conn, const FollowOptions& opts,
                    const std::function<Status(const boost::json::object&)>& on_item);

}  // namespace mc::client
