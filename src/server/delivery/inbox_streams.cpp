#include <boost/json.hpp>

#include "server/delivery/delivery_routes.hpp"
#include "server/delivery/item_json.hpp"

namespace mc::delivery {

namespace json = boost::json;

namespace {
constexpr int kStreamBatch = 200;

std::string error_frame(const Error& e) {
  return json::serialize(json::object{{"type", "error"}, {"error", {{"code", e.code}, {"message", e.message}}}});
}
}  // namespace

Result<net::StreamOpen> InboxStreams::open(const net::HttpRequest& req) {
  auto caller = d_.auth.authenticate(req);
  if (!caller) return caller.error();
  // Without ?after the stream resumes after what this device has acked.
  auto cursor = d_.deliveries.device_cursor(caller->user_id, caller->device_id);
  if (!cursor) return cursor.error();
  auto after = net::query_int(req, "after", *cursor, 0, INT64_MAX);
  if (!after) return after.error();
  return net::StreamOpen{caller->user_id, caller->network_id, caller->device_id, *after, *cursor};
}

std::string InboxStreams::hello_frame(const net::StreamOpen& open) {
  return json::serialize(json::object{{"type", "hello"},
                                      {"network_id", open.network_id},
                                      {"device_id", open.device_id},
                                      {"after", open.after},
                                      {"cursor", open.cursor}});
}

Result<net::StreamBatch> InboxStreams::frames_after(std::int64_t user_id, std::int64_t after) {
  auto items = d_.deliveries.list_inbox(user_id, after, kStreamBatch);
  if (!items) return items.error();
  net::StreamBatch batch;
  batch.cursor = after;
  for (const auto& it : *items) {
    batch.frames.push_back(item_frame(it.id, it.seq, item_shared_part(it)));
    batch.cursor = it.seq;
  }
  batch.more = items->size() == static_cast<std::size_t>(kStreamBatch);
  return batch;
}

std::optional<std::string> InboxStreams::on_client_frame(const net::StreamOpen& open, const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return error_frame(Error::invalid_argument("malformed_json", "a frame is one JSON object"));
  const auto& o = v.as_object();
  const auto* type = o.if_contains("type");
  if (!type || !type->is_string()) return error_frame(Error::invalid_argument("missing_field", "a frame needs a 'type'"));
  if (type->as_string() == "ack") {
    const auto* seq = o.if_contains("seq");
    if (!seq || !seq->is_int64() || seq->as_int64() < 0) {
      return error_frame(Error::invalid_argument("invalid_field", "an ack needs 'seq', a non-negative integer"));
    }
    auto cursor = d_.deliveries.ack(open.user_id, open.device_id, seq->as_int64());
    if (!cursor) return error_frame(cursor.error());
    return json::serialize(json::object{{"type", "acked"}, {"cursor", *cursor}});
  }
  if (type->as_string() == "ping") return std::string(R"({"type":"pong"})");
  return error_frame(Error::invalid_argument("unknown_frame", "unknown frame type '" + std::string(type->as_string()) + "'"));
}

std::string InboxStreams::render(const net::ItemHint& hint) {
  return item_frame(hint.item_id, hint.seq, *hint.shared_part);
}

std::unique_ptr<net::Subscription> InboxStreams::subscribe(std::int64_t user_id, net::Notify notify) {
  return d_.hub.subscribe(user_id, std::move(notify));
}

}  // namespace mc::delivery
