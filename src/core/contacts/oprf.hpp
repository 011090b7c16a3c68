// Address-book matching by an oblivious PRF over ristretto255 (libsodium).
//
// A client wants to learn which of its contacts' phone numbers and e-mail
// addresses belong to users, without the server seeing them. Hashing them
// would not do: phone numbers are few enough to hash all of them offline.
// So the tag both sides compare is keyed by a secret only the server holds,
// and the server computes it on points it cannot read:
//
//   client:  H = hash_to_point(id), r random;  sends  B = r*H       (blind)
//   server:  E = k*B                                                (evaluate)
//   client:  P = r^-1 * E = k*H;  tag(id, P)                        (unblind, tag)
//   server:  for each confirmed identifier id': server_tag(k, id')
//
// B is uniformly distributed whatever id is, so the server learns nothing
// from it; and without k nobody can compute a tag, so a client learns an
// identifier's tag only by asking the server (which can rate-limit).
//
// Every function here initialises libsodium itself (ensure_sodium), so any
// may be called first.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mc::contacts::oprf {

inline constexpr std::size_t kPointBytes = 32;   // crypto_core_ristretto255_BYTES
inline constexpr std::size_t kScalarBytes = 32;  // crypto_core_ristretto255_SCALARBYTES
inline constexpr std::size_t kTagBytes = 16;

using Point = std::array<unsigned char, kPointBytes>;
using Scalar = std::array<unsigned char, kScalarBytes>;

// Initialises libsodium once; safe to call many times and from many threads.
// Throws std::runtime_error if libsodium cannot start (as mc::init_crypto).
void ensure_sodium();

// The server's key: a uniformly random non-zero scalar below the group order.
Scalar new_key();

// crypto_core_ristretto255_from_hash(SHA-512("msgcenter-oprf-v1" || 0x00 || identifier)).
// `identifier` is what identifier_key() (contacts/identifiers.hpp) makes.
Point hash_to_point(std::string_view identifier);

// point = blind * hash_to_point(identifier). `blind` is the client's secret
// for this one request: keep it for unblind, then wipe it (sodium_memzero).
struct Blinded {
  Scalar blind;
  Point point;
};
Blinded blind(std::string_view identifier);

// The server's step: key * blinded.
// REQUIRES: `key` from new_key or key_from_hex.
// Errors: kInvalidArgument "invalid_point" when `blinded` is not a canonical
// ristretto255 encoding, is the identity, or the product is the identity.
Result<Point> evaluate(const Scalar& key, const Point& blinded);

// The client's step: blind^-1 * evaluated, which is key * hash_to_point(identifier).
// Errors: kInvalidArgument "invalid_point" as evaluate; "invalid_blind" when
// `blind` is zero (never so when it comes from blind()).
Result<Point> unblind(const Scalar& blind, const Point& evaluated);

// What both sides compare: kTagBytes raw bytes, the first kTagBytes of
// SHA-512("msgcenter-oprf-tag-v1" || 0x00 || u64be(identifier size) || identifier || unblinded).
// Binding the identifier in as well as the point costs nothing and keeps a
// tag meaningful only for the identifier it was made for.
std::string tag(std::string_view identifier, const Point& unblinded);

// The server's own tag for an identifier it knows (a user's confirmed one):
// tag(identifier, key * hash_to_point(identifier)).
// REQUIRES: `key` from new_key or key_from_hex.
std::string server_tag(const Scalar& key, std::string_view identifier);

// What the directory lists for a tag: the first kTagBytes of
// SHA-512("msgcenter-dir-v1" || 0x00 || tag). One-way, so that an entry
// copied from the directory cannot be sent back as a tag: only a client that
// evaluated an identifier holds its tag, and only a tag finds a user.
// REQUIRES: `tag_bytes` is a tag() result (kTagBytes bytes).
std::string directory_entry(std::string_view tag_bytes);

// Text forms for the protocol: points and tags in unpadded base64url
// (RFC 4648 §5; 43 and 22 characters), keys in lower-case hex (64 characters).
// Each value has exactly one text form: decoding refuses non-zero padding bits.
std::string encode(const Point& p);
// Errors: kInvalidArgument "invalid_point" (wrong length, not base64url, not
// a canonical encoding, or the identity).
Result<Point> decode_point(std::string_view text);
// REQUIRES: `tag_bytes` is a tag() result (kTagBytes bytes).
std::string encode_tag(std::string_view tag_bytes);
// The kTagBytes raw bytes. Errors: kInvalidArgument "invalid_tag".
Result<std::string> decode_tag(std::string_view text);
std::string key_hex(const Scalar& k);
// Accepts lower- or upper-case hex. Errors: kInvalidArgument "invalid_key"
// (not 64 hex digits, zero, or not reduced below the group order).
Result<Scalar> key_from_hex(std::string_view hex);

}  // namespace mc::contacts::oprf
