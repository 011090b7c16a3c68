// Content-addressed blob store: each blob is a file named by the SHA-256 of
// its bytes, so identical uploads are stored once. A blob is written to a
// temporary file, fsynced, renamed into place, and its directory fsynced:
// once commit() returns, the blob survives a crash or power cut, and a
// half-written blob is never visible under its name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/sha256.hpp"

namespace mc::catalog {

struct StoredBlob {
  std::string sha256;
  std::uint64_t size = 0;
};

class BlobWriter {
 public:
  BlobWriter(std::string root, std::string tmp_path, int fd, std::uint64_t max_size);
  ~BlobWriter();  // discards the temporary file unless committed
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // Errors: kTooLarge "body_too_large" past max_size; kInternal on a disk error.
  Status write(const char* data, std::size_t size);
  // Makes the blob durable under its hash. With `expected_sha256`, a blob
  // whose bytes hash differently is discarded: kDataLoss "digest_mismatch".
  Result<StoredBlob> commit(const std::optional<std::string>& expected_sha256);

 private:
  std::string root_;
  std::string tmp_path_;
  int fd_;
  std::uint64_t max_size_;
  std::uint64_t size_ = 0;
  Sha256 hash_;
};

// A lock on the whole store, shared by uploads between their commit and the
// record of the blob, exclusive for blob collection (msgcenterd gc): so gc
// never deletes a blob that an upload has just stored again. An flock(2) on
// BLOBS/.gc-lock: it holds across processes. Released when destroyed.
class BlobLock {
 public:
  explicit BlobLock(int fd) : fd_(fd) {}
  ~BlobLock();
  BlobLock(BlobLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  BlobLock(const BlobLock&) = delete;
  BlobLock& operator=(const BlobLock&) = delete;
  BlobLock& operator=(BlobLock&&) = delete;

 private:
  int fd_;
};

class BlobStore {
 public:
  // Creates `root` and its tmp/ folder if needed, and removes temporaries
  // left by a crash.
  static Result<std::unique_ptr<BlobStore>> open(const std::string& root);
  // The store at `root` as it is, for maintenance while a server may run:
  // its temporaries (uploads in flight) are left alone.
  static Result<std::unique_ptr<BlobStore>> attach(const std::string& root);

  Result<BlobLock> lock(bool exclusive);
  // Deletes a blob's file (a missing one is not an error) and makes that durable.
  Status remove(const std::string& sha256);

  Result<std::unique_ptr<BlobWriter>> begin(std::uint64_t max_size);
  // Stores `bytes` in one call (demo seeding, tests).
  Result<StoredBlob> put(std::string_view bytes);
  std::string path_for(const std::string& sha256) const;

 private:
  explicit BlobStore(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

}  // namespace mc::catalog
