#include "client/handlers/keys.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/handler/package.hpp"

namespace mc::client {

namespace {

// Creates `path` with `mode` (never over an existing file), writes, fsyncs.
Status write_new_file(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return Error::already_exists("file_exists", path + " exists; choose another file name");
    return Error::failed_precondition("cannot_write_file", "cannot create " + path + ": " + std::strerror(errno));
  }
  bool ok = true;
  for (std::size_t done = 0; ok && done < text.size();) {
    ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    ok = w > 0;
    if (ok) done += static_cast<std::size_t>(w);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return Error::failed_precondition("cannot_write_file", "cannot write " + path);
  }
  return {};
}

}  // namespace

Result<KeyFiles> write_handler_key_pair(const std::string& path) {
  if (path.empty()) return Error::invalid_argument("missing_field", "name the file for the secret key");
  KeyFiles out{"", path, path + ".pub"};
  if (::access(out.public_key_path.c_str(), F_OK) == 0) {
    return Error::already_exists("file_exists", out.public_key_path + " exists; choose another file name");
  }
  auto key = handler::generate_key_pair();
  out.key_id = handler::key_id(key.public_key);
  MC_TRY_STATUS(write_new_file(out.secret_key_path, handler::secret_key_text(key), 0600));
  if (auto st = write_new_file(out.public_key_path, handler::public_key_text(key.public_key), 0644); !st) {
    ::unlink(out.secret_key_path.c_str());  // half a pair is of no use
    return st.error();
  }
  // The names too must survive a crash: the public key may be handed out at once.
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return out;
}

}  // namespace mc::client
