#include "server/accounts/passwords.hpp"

#include <sodium.h>

#include <semaphore>

namespace mc::accounts {

namespace {

// Argon2id is memory-hard on purpose (64 MiB per hash). With 64 worker
// threads, a burst of logins could otherwise ask for 4 GiB at once; at most
// four hashes run together and the rest wait their turn.
std::counting_semaphore<4> g_hash_slots{4};

struct HashSlot {
  HashSlot() { g_hash_slots.acquire(); }
  ~HashSlot() { g_hash_slots.release(); }
};

// INTERACTIVE limits: ~64 MiB and well under a second per hash, libsodium's
// choice for online logins.
constexpr unsigned long long kOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}  // namespace

Status validate_password(std::string_view password) {
  if (password.size() < kPasswordMin) {
    return Error::invalid_argument("weak_password", "a password has at least 8 characters");
  }
  if (password.size() > kPasswordMax) {
    return Error::invalid_argument("password_too_long", "a password has at most 1024 characters");
  }
  return {};
}

Result<std::string> hash_password(std::string_view password) {
  HashSlot slot;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOps, kMem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::internal("out of memory while hashing a password");
  }
  return std::string(out);
}

bool verify_password(const std::string& stored_hash, std::string_view password) {
  HashSlot slot;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

void burn_verification_time(std::string_view password) {
  static const std::string dummy = [] {
    auto h = hash_password("not-a-real-password");
    return h ? h.value() : std::string();
  }();
  (void)verify_password(dummy, password);
}

}  // namespace mc::accounts
