// The wire shapes of an inbox item and a share (docs/protocol.md).
#pragma once

#include <boost/json/object.hpp>

#include "store/records.hpp"

namespace mc::delivery {

boost::json::object item_json(const store::InboxItem& item);
boost::json::object share_json(const store::Share& share);

}  // namespace mc::delivery
