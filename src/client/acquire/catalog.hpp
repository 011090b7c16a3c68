// Acquire on request (mission 1a): browse the provider's catalog, describe a
// resource, and, for providers, publish a file as a new resource.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/connection.hpp"

namespace mc::client {

struct CatalogPage {
  std::vector<boost::json::object> resources;  // wire shape, docs/protocol.md "Resource"
  std::optional<std::int64_t> next_after;
};

Result<CatalogPage> list_resources(Connection& conn, const std::optional<std::string>& type, std::int64_t after,
                                   int limit);
Result<boost::json::object> describe_resource(Connection& conn, const std::string& resource_id);

struct PublishRequest {
  std::string path;  // file to publish
  std::string type;
  std::string title;
  std::vector<std::string> tags;
  std::string mime;  // "" lets the server choose by type
};

// Hashes the file, uploads it (the server checks the hash), then creates the
// resource. Returns the resource.
Result<boost::json::object> publish_file(Connection& conn, const PublishRequest& req);

// SHA-256 of a file's bytes, streamed.
Result<std::string> sha256_of_file(const std::string& path);

}  // namespace mc::client
