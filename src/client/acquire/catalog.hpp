// Acquire on request (mission 1a): browse the provider's catalog, describe a
// resource, and, for providers, publish a file as a new resource.
#pragma once

#include <cstdint>
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

struct PublishRequest {
  std::string path;  // file to publish
  std::string type;
  std::string title;
  std::vector<std::string> tags;
  std::string mime;  // "" lets the server choose by type
};

// Hashes the file, uploads it (the server checks the hash), then creates the
// resource. Returns the resource.
Result<wire::Resource> publish_file(Connection& conn, const PublishRequest& req);

// SHA-256 of a file's bytes, streamed.
Result<std::string> sha256_of_file(const std::string& path);

}  // namespace mc::client
