// The wire shapes of an inbox item and a share (docs/protocol.md).
#pragma once

#include <boost/json/object.hpp>

#include "store/records.hpp"

namespace mc::delivery {

boost::json::object item_json(const store::InboxItem& item);
// The item's JSON without "id" and "seq": the same for every recipient of a
// share, so a fan-out renders it once.
std::string item_shared_part(const store::InboxItem& item);
// {"type":"item","item":{"id":…,"seq":…,<shared part>}}: the stream frame.
std::string item_frame(const std::string& item_id, std::int64_t seq, const std::string& shared_part);
boost::json::object share_json(const store::Share& share);

}  // namespace mc::delivery
