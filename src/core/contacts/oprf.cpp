#include "core/contacts/oprf.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdint>

#include "core/random.hpp"

namespace mc::contacts::oprf {

static_assert(kPointBytes == crypto_core_ristretto255_BYTES);
static_assert(kScalarBytes == crypto_core_ristretto255_SCALARBYTES);
static_assert(kTagBytes <= crypto_hash_sha512_BYTES);

namespace {

constexpr std::string_view kPointDomain = "msgcenter-oprf-v1";
constexpr std::string_view kTagDomain = "msgcenter-oprf-tag-v1";
constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

Error invalid_point() {
  return Error::invalid_argument("invalid_point", "not a canonical, non-identity ristretto255 point");
}

void hash_update(crypto_hash_sha512_state& st, std::string_view bytes) {
  crypto_hash_sha512_update(&st, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// A domain and a zero byte first, so that no input hashed here collides with
// one hashed for another purpose (the domains contain no zero byte).
void hash_init(crypto_hash_sha512_state& st, std::string_view domain) {
  crypto_hash_sha512_init(&st);
  hash_update(st, domain);
  const unsigned char zero = 0;
  crypto_hash_sha512_update(&st, &zero, 1);
}

// Three checks, because is_valid_point alone lets two kinds through:
// - The top bit. A canonical encoding is a field element below 2^255 - 19, so
//   its top bit is clear (RFC 9496 §4.3.1), but libsodium 1.0.18 (Debian 12)
//   ignores that bit: a point with it set is accepted and multiplies as the
//   same point without it. Two spellings of one point would let a client
//   send the same question twice under different bytes.
// - The identity (all zero bytes), which is canonical: k * identity is the
//   identity for every k, so it is a question whose answer is known.
bool is_usable_point(const Point& p) {
  return (p[kPointBytes - 1] & 0x80) == 0 && crypto_core_ristretto255_is_valid_point(p.data()) == 1 &&
         sodium_is_zero(p.data(), p.size()) == 0;
}

std::string base64url(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, kBase64), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, kBase64);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

// Decodes exactly `size` bytes from the whole of `text`. libsodium refuses
// non-zero bits in the last character, so every value has one text form.
bool from_base64url(std::string_view text, unsigned char* out, std::size_t size) {
  if (text.size() != sodium_base64_encoded_len(size, kBase64) - 1) return false;
  std::size_t len = 0;
  if (sodium_base642bin(out, size, text.data(), text.size(), nullptr, &len, nullptr, kBase64) != 0) return false;
  return len == size;
}

}  // namespace

void ensure_sodium() {
  // sodium_init is itself idempotent and thread-safe but takes a lock; the
  // static makes every later call a load.
  static const bool initialised = (init_crypto(), true);
  (void)initialised;
}

Scalar new_key() {
  ensure_sodium();
  Scalar k;
  crypto_core_ristretto255_scalar_random(k.data());
  return k;
}

Point hash_to_point(std::string_view identifier) {
  ensure_sodium();
  crypto_hash_sha512_state st;
  hash_init(st, kPointDomain);
  hash_update(st, identifier);
  unsigned char digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512_final(&st, digest);
  Point p;
  crypto_core_ristretto255_from_hash(p.data(), digest);
  // The digest names the identifier to anyone who guesses it.
  sodium_memzero(digest, sizeof digest);
  sodium_memzero(&st, sizeof st);
  return p;
}

Blinded blind(std::string_view identifier) {
  ensure_sodium();
  Point h = hash_to_point(identifier);
  Blinded b;
  crypto_core_ristretto255_scalar_random(b.blind.data());
  // Fails only when h is the identity, which from_hash yields with
  // probability about 2^-252; the point is then the identity, and the
  // server refuses it.
  if (crypto_scalarmult_ristretto255(b.point.data(), b.blind.data(), h.data()) != 0) b.point.fill(0);
  sodium_memzero(h.data(), h.size());
  return b;
}

Result<Point> evaluate(const Scalar& key, const Point& blinded) {
  ensure_sodium();
  if (!is_usable_point(blinded)) return invalid_point();
  Point out;
  if (crypto_scalarmult_ristretto255(out.data(), key.data(), blinded.data()) != 0) return invalid_point();
  return out;
}

Result<Point> unblind(const Scalar& blind, const Point& evaluated) {
  ensure_sodium();
  if (!is_usable_point(evaluated)) return invalid_point();
  Scalar inverse;
  if (crypto_core_ristretto255_scalar_invert(inverse.data(), blind.data()) != 0) {
    return Error::invalid_argument("invalid_blind", "the blinding scalar is zero");
  }
  Point out;
  int rc = crypto_scalarmult_ristretto255(out.data(), inverse.data(), evaluated.data());
  sodium_memzero(inverse.data(), inverse.size());
  if (rc != 0) return invalid_point();
  return out;
}

std::string tag(std::string_view identifier, const Point& unblinded) {
  ensure_sodium();
  crypto_hash_sha512_state st;
  hash_init(st, kTagDomain);
  // The length first, so that the boundary between identifier and point is
  // fixed whatever the identifier holds.
  unsigned char size_be[8];
  auto size = static_cast<std::uint64_t>(identifier.size());
  for (int i = 7; i >= 0; --i, size >>= 8) size_be[i] = static_cast<unsigned char>(size & 0xff);
  crypto_hash_sha512_update(&st, size_be, sizeof size_be);
  hash_update(st, identifier);
  crypto_hash_sha512_update(&st, unblinded.data(), unblinded.size());
  unsigned char digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512_final(&st, digest);
  std::string out(reinterpret_cast<const char*>(digest), kTagBytes);
  sodium_memzero(digest, sizeof digest);
  sodium_memzero(&st, sizeof st);
  return out;
}

std::string directory_entry(std::string_view tag_bytes) {
  ensure_sodium();
  crypto_hash_sha512_state st;
  hash_init(st, "msgcenter-dir-v1");
  hash_update(st, tag_bytes);
  unsigned char digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512_final(&st, digest);
  return std::string(reinterpret_cast<const char*>(digest), kTagBytes);
}

std::string server_tag(const Scalar& key, std::string_view identifier) {
  ensure_sodium();
  Point h = hash_to_point(identifier);
  Point p;
  // Fails only for a zero key (excluded by the REQUIRES) or an identity h
  // (probability about 2^-252); p is then the identity, and its tag matches
  // no client's, since unblind never yields the identity.
  if (crypto_scalarmult_ristretto255(p.data(), key.data(), h.data()) != 0) p.fill(0);
  std::string out = tag(identifier, p);
  sodium_memzero(h.data(), h.size());
  sodium_memzero(p.data(), p.size());
  return out;
}

std::string encode(const Point& p) {
  ensure_sodium();
  return base64url(p.data(), p.size());
}

Result<Point> decode_point(std::string_view text) {
  ensure_sodium();
  Point p;
  if (!from_base64url(text, p.data(), p.size()) || !is_usable_point(p)) return invalid_point();
  return p;
}

std::string encode_tag(std::string_view tag_bytes) {
  ensure_sodium();
  return base64url(reinterpret_cast<const unsigned char*>(tag_bytes.data()), tag_bytes.size());
}

Result<std::string> decode_tag(std::string_view text) {
  ensure_sodium();
  std::string out(kTagBytes, '\0');
  if (!from_base64url(text, reinterpret_cast<unsigned char*>(out.data()), out.size())) {
    return Error::invalid_argument("invalid_tag", "a tag is 22 characters of unpadded base64url");
  }
  return out;
}

// libsodium's hex codecs rather than mc::to_hex/from_hex: they run in constant
// time, as befits a secret.
std::string key_hex(const Scalar& k) {
  ensure_sodium();
  std::string hex(kScalarBytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), k.data(), k.size());
  hex.pop_back();
  return hex;
}

Result<Scalar> key_from_hex(std::string_view hex) {
  ensure_sodium();
  auto bad = [] {
    return Error::invalid_argument("invalid_key", "a key is 64 hex digits of a non-zero scalar below the group order");
  };
  if (hex.size() != kScalarBytes * 2) return bad();
  Scalar k;
  std::size_t len = 0;
  if (sodium_hex2bin(k.data(), k.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 || len != k.size()) {
    return bad();
  }
  // Canonical means already reduced mod the group order: reducing the
  // 512-bit zero-extension must give the same bytes back.
  unsigned char wide[crypto_core_ristretto255_NONREDUCEDSCALARBYTES] = {};
  std::copy(k.begin(), k.end(), wide);
  Scalar reduced;
  crypto_core_ristretto255_scalar_reduce(reduced.data(), wide);
  bool ok = sodium_memcmp(reduced.data(), k.data(), k.size()) == 0 && sodium_is_zero(k.data(), k.size()) == 0;
  sodium_memzero(wide, sizeof wide);
  sodium_memzero(reduced.data(), reduced.size());
  if (!ok) {
    sodium_memzero(k.data(), k.size());
    return bad();
  }
  return k;
}

}  // namespace mc::contacts::oprf
