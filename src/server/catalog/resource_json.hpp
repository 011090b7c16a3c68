// The wire shape of a resource (docs/protocol.md, "Resource").
#pragma once

#include <boost/json/object.hpp>

#include "store/records.hpp"

namespace mc::catalog {

boost::json::object resource_json(const store::Resource& r);

}  // namespace mc::catalog
