// Handler packages (docs/handlers.md): a manifest and Lua sources in one
// canonical byte form, signed with Ed25519 by the provider's publishing key.
// The server checks a package against its registered keys when it is
// uploaded; the client checks it against the keys it pinned before it
// installs it. Both read it with parse_package, which accepts exactly one
// byte form for a given content, so that a signature covers exactly what
// runs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/handler/semver.hpp"

namespace mc::handler {

struct Manifest {
  std::string name;
  SemVer version;
  std::vector<std::string> kinds;
  std::vector<std::string> mimes;
  std::string entry;  // path of the .lua file that runs first
  SemVer min_client;
  std::string description;
};

struct PackageFile {
  std::string path;
  std::string bytes;
};

struct Package {
  Manifest manifest;
  std::vector<PackageFile> files;  // in byte order of their paths
  std::string key_id;              // 32 hex digits
  std::string signature;           // 64 raw bytes
  std::string signed_part;         // the bytes the signature covers (without the domain prefix)
};

struct KeyPair {
  std::string public_key;  // 32 raw bytes
  std::string secret_key;  // 64 raw bytes (libsodium's seed + public key)
};

KeyPair generate_key_pair();
// The first 16 bytes of SHA-256 of the public key, as 32 hex digits.
std::string key_id(std::string_view public_key);
// The key files' one-line texts, and back. Errors: kInvalidArgument "bad_key_file".
std::string secret_key_text(const KeyPair& k);
std::string public_key_text(std::string_view public_key);
Result<KeyPair> parse_secret_key_text(std::string_view text);
Result<std::string> parse_public_key_text(std::string_view text);

// A manifest from manifest.json's JSON text, checked field by field.
// Errors: kInvalidArgument "invalid_manifest" naming the field.
Result<Manifest> parse_manifest(std::string_view json_text);
// The manifest's canonical JSON: keys in byte order, no spaces, minimal escapes.
std::string canonical_json(const Manifest& m);

// The signed package: checks the manifest against the files (paths,
// limits, entry), orders the files, signs. Errors: "invalid_manifest",
// "invalid_package_path", "package_too_large".
Result<std::string> build_package(const Manifest& m, std::vector<PackageFile> files, const KeyPair& key);

// Reads a package's bytes, refusing any form but the canonical one.
// Errors: kInvalidArgument "malformed_package" (what and where),
// "invalid_manifest", "invalid_package_path"; kTooLarge "package_too_large".
// The signature is read, not checked: see verify_package.
Result<Package> parse_package(std::string_view bytes);

// Checks the signature with the public key whose id the package names,
// among `public_keys` (32 raw bytes each). Errors: kPermissionDenied
// "unknown_signing_key"; kDataLoss "bad_signature".
Status verify_package(const Package& p, const std::vector<std::string>& public_keys);

constexpr std::size_t kMaxPackageBytes = 1 << 20;
constexpr std::size_t kMaxPackageFiles = 64;

}  // namespace mc::handler
