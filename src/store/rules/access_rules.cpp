#include "store/rules/access_rules.hpp"

namespace mc::store::rules {

namespace {

bool is_provider(const AccessFacts& f, std::int64_t reader_id) { return f.publisher_id == reader_id; }

}  // namespace

bool needs_share_fact(const AccessFacts& f, std::int64_t reader_id) {
  return !is_provider(f, reader_id) && !f.resource.gone && f.resource.access == "restricted" && !f.granted &&
         f.resource.shareable;
}

Status check_read(const AccessFacts& f, std::int64_t reader_id, std::optional<std::int64_t> received_share_at,
                  std::int64_t now_ms) {
  const Resource& r = f.resource;
  if (is_provider(f, reader_id)) return {};
  if (r.gone) {
    return Error::not_found("resource_gone", "resource '" + r.id + "' was unpublished by its provider");
  }
  if (r.access != "restricted" || f.granted) return {};
  auto denied = [&](const std::string& why) {
    return Error::permission_denied("access_denied", "resource '" + r.id + "' is restricted: " + why);
  };
  if (!r.shareable) return denied("its provider lets only the users it granted it read it");
  if (!received_share_at) return denied("it was neither granted to you nor shared with you");
  if (r.share_access_seconds && now_ms >= *received_share_at + *r.share_access_seconds * 1000) {
    return denied("access through a share ends " + std::to_string(*r.share_access_seconds) +
                  " seconds after it was sent");
  }
  return {};
}

}  // namespace mc::store::rules
