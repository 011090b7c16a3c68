// Who may read a resource (its record's content, HEAD, links, shares and
// forwards of it): one pure function over facts the stores load, so every
// route decides the same way (docs/catalog.md "Access").
#pragma once

#include <cstdint>
#include <optional>

#include "core/error.hpp"
#include "store/catalog_store.hpp"

namespace mc::store::rules {

// Whether reading needs to know when the reader last received the resource
// through a share (a second read, skipped when the answer cannot depend on it).
bool needs_share_fact(const AccessFacts& facts, std::int64_t reader_id);

// Ok when `reader_id` may read the resource now. `received_share_at`: when
// the reader last got it through a share or forward that stands (nullopt:
// never, or not looked up because needs_share_fact said no).
// Errors: kNotFound "resource_gone" (410: unpublished, for anyone but its
// provider); kPermissionDenied "access_denied" (403).
Status check_read(const AccessFacts& facts, std::int64_t reader_id, std::optional<std::int64_t> received_share_at,
                  std::int64_t now_ms);

}  // namespace mc::store::rules
