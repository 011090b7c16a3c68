// What the WebSocket stream (/v1/stream) needs from the delivery area, as a
// plain interface so that net/ does not know delivery/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "server/net/http_types.hpp"

namespace mc::net {

struct StreamOpen {
  std::int64_t user_id = 0;
  std::string network_id;
  std::string device_id;
  std::int64_t after = 0;   // send items with seq > after
  std::int64_t cursor = 0;  // what this device had acked when it connected
};

struct StreamBatch {
  std::vector<std::string> frames;  // text frames, in order
  std::int64_t cursor = 0;          // seq of the last item in `frames`
  bool more = false;                // true when more items wait after cursor
};

// A new item, announced with the notification so that a stream whose
// cursor is right before it can send it without reading the store. The
// part of the frame every recipient shares is held once, by pointer.
struct ItemHint {
  std::int64_t seq = 0;
  std::string item_id;
  std::shared_ptr<const std::string> shared_part;
};

// `notify` is called with a hint, or with nullptr for "new items may exist".
using Notify = std::function<void(const ItemHint*)>;

// Keeps a live subscription while it exists.
class Subscription {
 public:
  virtual ~Subscription() = default;
};

class StreamService {
 public:
  virtual ~StreamService() = default;
  // Authenticates the upgrade request and reads its parameters.
  virtual Result<StreamOpen> open(const HttpRequest& req) = 0;
  virtual std::string hello_frame(const StreamOpen& open) = 0;
  virtual Result<StreamBatch> frames_after(std::int64_t user_id, std::int64_t after) = 0;
  // Handles a frame from the client (an ack, say); returns the frame to
  // answer with, if any. May block (it runs on the worker pool).
  virtual std::optional<std::string> on_client_frame(const StreamOpen& open, const std::string& text) = 0;
  // The frame of a hinted item, byte for byte what frames_after would send.
  virtual std::string render(const ItemHint& hint) = 0;
  // `notify` is called, from any thread, whenever new items may exist.
  virtual std::unique_ptr<Subscription> subscribe(std::int64_t user_id, Notify notify) = 0;
};

}  // namespace mc::net
