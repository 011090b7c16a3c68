// The wire shape of an inbox item (docs/protocol.md, "Inbox item").
#pragma once

#include <boost/json/object.hpp>

#include "store/records.hpp"

namespace mc::delivery {

boost::json::object item_json(const store::InboxItem& item);

}  // namespace mc::delivery
