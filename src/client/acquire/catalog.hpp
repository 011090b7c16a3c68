// Acquire on request (mission 1a): browse the provider's catalog, describe a
// resource, and, for providers, publish a file as a new resource.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/connection.hpp"
#include "core/wire/records.hpp"

namespace mc::client {

// Up to `limit` resources after position `after` (any limit: the client
// pages through the server, which answers at most 200 at a time).
// next_after is set when more follow.
Result<wire::ResourcePage> list_resources(Connection& conn, const std::optional<std::string>& type, std::int64_t after,
                                          std::int64_t limit);
Result<wire::Resource> describe_resource(Connection& conn, const std::string& resource_id);

// Browsing and searching (docs/protocol.md "Catalog"): one page, and the
// cursor of the next (next_cursor) when more follow.
struct CatalogQuery {
  std::optional<std::string> type, tag, search, sort, cursor;
  std::int64_t limit = 50;  // 1 to 200
};
Result<wire::ResourcePage> browse_resources(Connection& conn, const CatalogQuery& q);

struct PublishRequest {
  std::string path;  // file to publish
  std::string type;
  std::string title;
  std::vector<std::string> tags;
  std::string mime;  // "" lets the server choose by type
  // The resource model's other fields, as the server takes them (description,
  // access, shareable, share_access_seconds, attributes); absent ones default.
  boost::json::object fields;
};

struct PublishOutcome {
  wire::Resource resource;
  bool uploaded = false;  // false: the server already held these bytes
};

// Hashes the file, asks whether the server holds the blob (HEAD
// /v1/blobs/SHA256) and uploads it, streamed from disk, only when it does
// not (the server checks the hash); then creates the resource.
// `progress` (if set) hears the upload's bytes sent and total.
Result<PublishOutcome> publish_file(Connection& conn, const PublishRequest& req,
                                    const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

// The provider's tools: change a resource's metadata (the fields PATCH
// takes), unpublish it, grant it to a user, withdraw a grant, list grants.
Result<wire::Resource> update_resource(Connection& conn, const std::string& id, const boost::json::object& changes);
Result<wire::Resource> unpublish_resource(Connection& conn, const std::string& id);
Status grant_resource(Connection& conn, const std::string& id, const std::string& network_id);
Status withdraw_grant(Connection& conn, const std::string& id, const std::string& network_id);
Result<std::vector<std::string>> list_grants(Connection& conn, const std::string& id);

// A download link that works without a login until it expires (at most 24 h).
struct ResourceLink {
  std::string url;
  std::int64_t expires_at = 0;
};
Result<ResourceLink> link_resource(Connection& conn, const std::string& id, std::optional<std::int64_t> expires_in);

// SHA-256 of a file's bytes, streamed.
Result<std::string> sha256_of_file(const std::string& path);

}  // namespace mc::client
