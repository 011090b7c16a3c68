// Receiving a resource (mission 1a) with resume and verification: bytes go
// to PATH.part; a later call continues where the last one stopped (HTTP
// Range + If-Range on the SHA-256 ETag); the finished file is checked
// against the resource's SHA-256 before it is renamed to PATH. A file that
// does not match is never left under PATH.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "client/connection.hpp"

namespace mc::client {

struct DownloadResult {
  std::string path;
  std::string sha256;
  std::uint64_t size = 0;
  std::uint64_t resumed_from = 0;  // bytes already present from an earlier attempt
};

// Called with (bytes so far, total bytes) as data arrives.
using ProgressFn = std::function<void(std::uint64_t, std::uint64_t)>;

// `out_path` "" saves under the resource's filename in the current directory.
// Errors: the server's (resource_not_found, ...), kDataLoss "digest_mismatch" when
// the bytes do not hash to the resource's SHA-256, network errors (PATH.part
// is kept so that the next call resumes).
Result<DownloadResult> download_resource(Connection& conn, const std::string& resource_id, std::string out_path,
                                         const ProgressFn& progress);

}  // namespace mc::client
