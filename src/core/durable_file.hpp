// Files that survive a crash: written to a temporary name beside their
// place, fsynced, renamed over it, and their directory fsynced. Once a call
// returns, the new bytes are there after a power cut, and a half-written
// file is never visible under the real name. The server keeps handler
// packages this way; the client its installed handlers and pinned keys.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mc {

// Replaces (or creates) `path`. The temporary is `path` + ".tmp-" + random.
// Errors: kFailedPrecondition "cannot_write_file" naming the path and cause.
Status write_file_durably(const std::string& path, std::string_view bytes, mode_t mode = 0644);

// Creates `dir` and its missing parents (mode 0755 or `mode`), syncing each
// parent that gained an entry. Errors: kFailedPrecondition "cannot_write_file".
Status make_dirs_durably(const std::string& dir, mode_t mode = 0755);

// fsyncs a directory, so that names created or removed in it last.
Status sync_dir(const std::string& dir);

// The whole file, refused past `max_bytes`. Errors: kNotFound "file_not_found",
// kTooLarge "file_too_large", kFailedPrecondition "cannot_read_file".
Result<std::string> read_small_file(const std::string& path, std::size_t max_bytes);

}  // namespace mc
