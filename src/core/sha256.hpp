// SHA-256, the name of every blob (content addressing) and the check every
// client makes on what it downloads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace mc {

// Incremental hasher: feed bytes as they stream, then take the hex digest.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // Lower-case hex, 64 characters. The hasher must not be used afterwards.
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string sha256_hex(std::string_view bytes);
// Raw 32-byte digest, for hashing tokens before they are stored.
std::string sha256_raw(std::string_view bytes);
bool is_sha256_hex(std::string_view s);

}  // namespace mc
