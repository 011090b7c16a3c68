// The kind-specific attributes of a resource (docs/catalog.md "Resource
// model"): a product's price and buy address, a novel's chapters, a
// recording's duration and format, a game's handler, a web page's assets or
// address. Checked field by field when a resource is published or patched,
// and stored in one canonical form so that equal attributes are equal bytes.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mc::catalog {

// Checks `attributes` for a resource of `type` (video, music, novel, game,
// product, webpage or file) and returns them canonically: keys in the
// documented order, integers as int64, absent fields omitted. nullptr or a
// JSON null (no attributes given) gives {}. `content_size` is the
// resource's size in bytes, which a novel's chapter offsets must stay
// below; a negative size is unknown and skips that bound.
// Errors: kInvalidArgument "invalid_attributes" naming the path
// ("attributes.chapters[3].offset must be ..."); "invalid_type" for a type
// not listed above.
Result<boost::json::object> validate_attributes(std::string_view type, const boost::json::value* attributes,
                                                std::int64_t content_size);

// The resource ids that canonical attributes name (a product's images, a
// web page's assets), in their order, so that the caller can check they
// exist. REQUIRES: `canonical` came from validate_attributes for `type`.
std::vector<std::string> referenced_resources(std::string_view type, const boost::json::object& canonical);

}  // namespace mc::catalog
