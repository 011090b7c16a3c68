// Storage of the resource catalog's metadata. Blob bytes live in the
// server's BlobStore; this records which blobs exist and what names them.
#pragma once

#include <optional>
#include <string>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  // Records a blob whose bytes are durable on disk. Idempotent.
  virtual Status put_blob(const std::string& sha256, std::int64_t size) = 0;
  virtual Result<std::optional<std::int64_t>> blob_size(const std::string& sha256) = 0;

  // Inserts `r` (id, created_at filled by the caller) published by `publisher_id`.
  virtual Result<Resource> create_resource(const Resource& r, std::int64_t publisher_id) = 0;
  // Errors: kNotFound "resource_not_found".
  virtual Result<Resource> get_resource(const std::string& id) = 0;
  // Resources in publishing order after position `after`, optionally of one type.
  virtual Result<ResourcePage> list_resources(const std::optional<std::string>& type, std::int64_t after,
                                              int limit) = 0;
  virtual Result<std::int64_t> count_resources() = 0;
};

}  // namespace mc::store
