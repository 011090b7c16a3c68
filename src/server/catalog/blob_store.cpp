#include "server/catalog/blob_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/random.hpp"

namespace mc::catalog {

namespace fs = std::filesystem;

namespace {

Error io_error(const std::string& what) { return Error::internal("blob store: " + what + ": " + std::strerror(errno)); }

Status fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("open " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("fsync " + dir);
  return {};
}

}  // namespace

BlobWriter::BlobWriter(std::string root, std::string tmp_path, int fd, std::uint64_t max_size)
    : root_(std::move(root)), tmp_path_(std::move(tmp_path)), fd_(fd), max_size_(max_size) {}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

Status BlobWriter::write(const char* data, std::size_t size) {
  if (size_ + size > max_size_) {
    return Error::too_large("body_too_large", "the upload is larger than " + std::to_string(max_size_) + " bytes");
  }
  hash_.update(data, size);
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd_, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("write");
    }
    done += static_cast<std::size_t>(n);
  }
  size_ += size;
  return {};
}

Result<StoredBlob> BlobWriter::commit(const std::optional<std::string>& expected_sha256) {
  std::string sha = hash_.hex_digest();
  if (expected_sha256 && *expected_sha256 != sha) {
    return Error::data_loss("digest_mismatch",
                            "the body's SHA-256 is " + sha + ", not the declared " + *expected_sha256);
  }
  if (::fsync(fd_) != 0) return io_error("fsync");
  ::close(fd_);
  fd_ = -1;
  std::string shard = root_ + "/" + sha.substr(0, 2);
  if (::mkdir(shard.c_str(), 0755) != 0 && errno != EEXIST) return io_error("mkdir " + shard);
  std::string final_path = shard + "/" + sha;
  if (::access(final_path.c_str(), F_OK) != 0) {
    if (::rename(tmp_path_.c_str(), final_path.c_str()) != 0) return io_error("rename");
    tmp_path_.clear();
  }
  // Always fsync both directories, also when the name already existed (same
  // bytes uploaded before) or the shard was made by a concurrent upload: the
  // other upload may not have fsynced them yet, and our caller is about to
  // record the blob as durable.
  MC_TRY_STATUS(fsync_dir(shard));
  MC_TRY_STATUS(fsync_dir(root_));
  return StoredBlob{sha, size_};
}

Result<std::unique_ptr<BlobStore>> BlobStore::open(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root + "/tmp", ec);
  if (ec) return Error::internal("cannot create " + root + "/tmp: " + ec.message());
  for (const auto& e : fs::directory_iterator(root + "/tmp", ec)) fs::remove(e.path(), ec);
  return std::unique_ptr<BlobStore>(new BlobStore(root));
}

Result<std::unique_ptr<BlobStore>> BlobStore::attach(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Error::invalid_argument("no_blob_store", root + " is not a blob directory");
  return std::unique_ptr<BlobStore>(new BlobStore(root));
}

BlobLock::~BlobLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Result<BlobLock> BlobStore::lock(bool exclusive) {
  std::string path = root_ + "/.gc-lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("open " + path);
  BlobLock held(fd);
  while (::flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) return io_error("flock " + path);
  }
  return held;
}

Status BlobStore::remove(const std::string& sha256) {
  std::string path = path_for(sha256);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("unlink " + path);
  return fsync_dir(root_ + "/" + sha256.substr(0, 2));
}

Result<std::unique_ptr<BlobWriter>> BlobStore::begin(std::uint64_t max_size) {
  std::string tmp = root_ + "/tmp/" + to_hex(random_bytes(12));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("create " + tmp);
  return std::make_unique<BlobWriter>(root_, tmp, fd, max_size);
}

Result<StoredBlob> BlobStore::put(std::string_view bytes) {
  MC_TRY(auto w, begin(bytes.size()));
  MC_TRY_STATUS((w)->write(bytes.data(), bytes.size()));
  return (w)->commit(std::nullopt);
}

std::string BlobStore::path_for(const std::string& sha256) const {
  return root_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

}  // namespace mc::catalog
