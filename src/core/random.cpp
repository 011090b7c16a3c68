#include "core/random.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>

namespace mc {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string new_id(std::string_view prefix) {
  // Time first, big-endian: ids made later sort later, so a table keyed by
  // them grows at its right edge. Random keys would scatter each insert over
  // the whole B-tree, and every commit would rewrite a page per insert per
  // index (measured: bench_store_writes).
  auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::string stamp(6, '\0');
  for (int i = 5; i >= 0; --i, ms >>= 8) stamp[static_cast<std::size_t>(i)] = static_cast<char>(ms & 0xff);
  return std::string(prefix) + to_hex(stamp) + to_hex(random_bytes(8));
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace mc
