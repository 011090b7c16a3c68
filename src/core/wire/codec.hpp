// JSON for every record of the protocol (records.hpp), in one place: the
// server renders with to_json, the client and the CLI read with from_json,
// so a shape is written once. from_json never throws: a value that is not
// the record gives kInternal "unexpected_answer" naming the field.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/wire/records.hpp"

namespace mc::wire {

boost::json::object to_json(const Settings& s);
boost::json::object to_json(const User& u);
boost::json::object to_json(const Login& l);
boost::json::object to_json(const Resource& r);
boost::json::object to_json(const ResourcePage& p);
boost::json::object to_json(const StoredBlob& b);
boost::json::object to_json(const Share& s);
boost::json::object to_json(const InboxItem& it);
boost::json::object to_json(const InboxPage& p);
boost::json::object to_json(const Receipt& r);
boost::json::object to_json(const ShareReceipts& r);
boost::json::object to_json(const Group& g);
boost::json::object to_json(const Ack& a);
boost::json::object to_json(const Handler& h);
boost::json::object to_json(const HandlerKey& k);

// from_json<Resource>(v): the record v holds. Defined for every record above.
template <class T>
Result<T> from_json(const boost::json::value& v);
// from_json<Share>(answer, "share"): the record under `key` of an object,
// as most answers wrap theirs ({"share": {...}}).
template <class T>
Result<T> from_json(const boost::json::value& v, std::string_view key);

// ---- the live stream's frames (docs/protocol.md "Live stream") ----------
// An item's JSON without "id" and "seq": the same for every recipient of a
// share, so a fan-out renders it once.
std::string item_shared_part(const InboxItem& it);
// {"type":"item","item":{"id":…,"seq":…,<shared part>}}, byte for byte what
// a frame rendered from the whole item would be.
std::string item_frame(std::string_view item_id, std::int64_t seq, std::string_view shared_part);
std::string item_frame(const InboxItem& it);
std::string hello_frame(const Hello& h);
std::string acked_frame(std::int64_t cursor);
std::string error_frame(const Error& e);
std::string pong_frame();
std::string ack_request_frame(std::int64_t seq);  // client -> server

struct Frame {
  enum class Type { kHello, kItem, kAcked, kPong, kError, kOther } type = Type::kOther;
  Hello hello;              // kHello
  InboxItem item;           // kItem
  std::string item_json;    // kItem: the item object as sent
  std::int64_t cursor = 0;  // kAcked
  Error error;              // kError
};
// A frame from the server. Errors: kInternal "unexpected_answer" for a
// frame that is not JSON, or a known type with a malformed body. Unknown
// types are kOther, not errors: later servers may send more.
Result<Frame> parse_frame(std::string_view text);

// {"error":{"code":…,"message":…}}
std::string error_body(const Error& e);

}  // namespace mc::wire
