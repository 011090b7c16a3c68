#include "client/acquire/download.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "client/acquire/catalog.hpp"
#include "client/transport/http_status.hpp"
#include "core/sha256.hpp"

namespace mc::client {

namespace fs = std::filesystem;

namespace {

// The filename a server suggests, reduced to a safe base name: no folders,
// no hidden files (".bashrc"), no control characters.
std::string safe_filename(const std::string& name, const std::string& fallback) {
  std::string base = fs::path(name).filename().string();
  bool ok = !base.empty() && base.front() != '.';
  for (unsigned char c : base) ok = ok && c >= 0x20 && c != 0x7f;
  return ok ? base : fallback;
}

}  // namespace

Result<DownloadResult> download_resource(Connection& conn, const std::string& resource_id, std::string out_path,
                                         const ProgressFn& progress) {
  MC_TRY(auto meta, describe_resource(conn, resource_id));
  const std::string sha = meta.sha256;
  if (meta.size < 0) return Error{ErrorKind::kInternal, "unexpected_answer", "the server gave a negative size"};
  const auto total = static_cast<std::uint64_t>(meta.size);
  std::error_code ec;
  if (out_path.empty()) {
    // A name the server chose never replaces a file of the user's.
    out_path = safe_filename(meta.filename, resource_id);
    if (fs::exists(out_path, ec)) {
      return Error::already_exists("file_exists", out_path + " exists; choose another path to save to");
    }
  }
  const std::string part = out_path + ".part";

  int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Error::failed_precondition("cannot_write_file", "cannot write " + part + ": " + std::strerror(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  // One writer per part file, in this process (two threads of an app) or
  // another (msgc on the same directory): two writers at independent
  // offsets would make a file that verifies for neither.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return Error::unavailable("download_in_progress", "another download is writing " + part + " now; try again");
  }
  struct stat st {};
  std::uint64_t have = ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  if (have > total) {
    // A partial copy larger than the resource is not of it.
    if (::ftruncate(fd, 0) != 0) return Error::failed_precondition("cannot_write_file", std::strerror(errno));
    have = 0;
  }

  DownloadResult result{out_path, sha, total, have};
  std::uint64_t written = have;
  if (have < total) {
    Headers h = conn.auth_headers();
    if (have > 0) {
      h["Range"] = "bytes=" + std::to_string(have) + "-";
      h["If-Range"] = "\"" + sha + "\"";
    }
    auto on_head = [&](const HttpReply& head) -> Status {
      if (head.status == 200) {
        // Whole body: the server ignored or refused our range; start over.
        written = 0;
        result.resumed_from = 0;
        if (::ftruncate(fd, 0) != 0) return Error::failed_precondition("cannot_write_file", std::strerror(errno));
      }
      if (::lseek(fd, static_cast<off_t>(written), SEEK_SET) < 0) {
        return Error::failed_precondition("cannot_write_file", std::strerror(errno));
      }
      return {};
    };
    auto on_body = [&](const char* data, std::size_t n) -> Status {
      if (written + n > total)
        return Error::data_loss("digest_mismatch", "the server sent more bytes than the resource has");
      for (std::size_t done = 0; done < n;) {
        ssize_t w = ::write(fd, data + done, n - done);
        if (w < 0) {
          if (errno == EINTR) continue;
          return Error::failed_precondition("cannot_write_file", "cannot write " + part + ": " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(w);
      }
      written += n;
      if (progress) progress(written, total);
      return {};
    };
    MC_TRY(auto reply,
           conn.http().get_streamed("/v1/resources/" + url_encode(resource_id) + "/content", h, on_head, on_body));
    if (!is_success(reply.status)) {
      auto e = error_from_reply(reply);
      if (!e.is(ErrorKind::kOutOfRange)) return e;
      // Our partial copy is not a prefix the server can continue: start over.
      fs::remove(part, ec);
      return download_resource(conn, resource_id, out_path, progress);
    }
  }
  if (::fsync(fd) != 0) return Error::failed_precondition("cannot_write_file", std::strerror(errno));

  MC_TRY(auto got, sha256_of_file(part));
  if (got != sha) {
    fs::remove(part, ec);  // never resume from bytes that do not verify
    return Error::data_loss("digest_mismatch", "the downloaded bytes hash to " + got + ", not the resource's " + sha);
  }
  fs::rename(part, out_path, ec);
  if (ec)
    return Error::failed_precondition("cannot_write_file",
                                      "cannot rename " + part + " to " + out_path + ": " + ec.message());
  if (progress) progress(total, total);
  return result;
}

}  // namespace mc::client
