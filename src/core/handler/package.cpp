#include "core/handler/package.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "core/random.hpp"
#include "core/sha256.hpp"

namespace mc::handler {

namespace json = boost::json;

namespace {

constexpr std::string_view kMagic = "msgcenter-handler 1\n";
constexpr std::string_view kDomain = "msgcenter-handler-signature-v1\n";
constexpr std::string_view kSecretPrefix = "msgcenter-handler-secret-key-v1 ";
constexpr std::string_view kPublicPrefix = "msgcenter-handler-public-key-v1 ";
// "signature " + 32 hex + " " + 128 hex + "\n".
constexpr std::size_t kSignatureLineBytes = 10 + 32 + 1 + 128 + 1;

Error bad_manifest(const std::string& why) { return Error::invalid_argument("invalid_manifest", "manifest: " + why); }
Error malformed(const std::string& why) {
  return Error::invalid_argument("malformed_package", "not a handler package in canonical form: " + why);
}

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 2) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

Status check_list(const std::vector<std::string>& list, const char* field, bool mime) {
  if (list.size() > 16) return bad_manifest(std::string("'") + field + "' has more than 16 entries");
  std::set<std::string> seen;
  for (const auto& s : list) {
    bool ok = !s.empty() && s.size() <= 64;
    if (mime) {
      auto slash = s.find('/');
      ok = ok && slash != std::string::npos && slash > 0 && slash + 1 < s.size();
      for (std::size_t i = 0; ok && i < s.size(); ++i) {
        char c = s[i];
        ok = lower_alnum(c) || c == '.' || c == '+' || c == '-' || (i == slash) ||
             (c == '*' && i == slash + 1 && i + 1 == s.size());
      }
    } else {
      for (char c : s) ok = ok && (lower_alnum(c) || c == '_' || c == '-');
    }
    if (!ok) {
      return bad_manifest(std::string("'") + field + "' entry '" + s + "' is not " +
                          (mime ? "a MIME type such as audio/ogg or video/*" : "a resource kind such as novel"));
    }
    if (!seen.insert(s).second) return bad_manifest(std::string("'") + field + "' names '" + s + "' twice");
  }
  return {};
}

Status check_path(std::string_view p) {
  auto bad = [&](const char* why) {
    return Error::invalid_argument("invalid_package_path", "package path '" + std::string(p) + "': " + why);
  };
  if (p.empty() || p.size() > 128) return bad("must be 1 to 128 bytes");
  std::size_t i = 0;
  while (i <= p.size()) {
    std::size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view seg = p.substr(i, j - i);
    if (seg.empty() || seg == "." || seg == "..") return bad("empty, '.' and '..' segments lead outside the package");
    for (char c : seg) {
      if (!(lower_alnum(c) || c == '_' || c == '-' || c == '.')) return bad("only a-z 0-9 _ - . and / are allowed");
    }
    i = j + 1;
  }
  auto ends = [&](std::string_view ext) { return p.size() > ext.size() && p.substr(p.size() - ext.size()) == ext; };
  if (!ends(".lua") && !ends(".txt") && !ends(".json")) return bad("a package holds .lua, .txt and .json files");
  return {};
}

// A version that reads back as itself (a struct filled by hand may not).
bool well_formed(const SemVer& v) {
  auto again = SemVer::parse(v.text());
  return again && *again == v && again->prerelease == v.prerelease;
}

// In byte order, a path that is a folder of an earlier one follows it
// directly or after others under the same prefix: x.lua, x.lua/y.lua.
bool is_under(std::string_view earlier, std::string_view path) {
  return path.size() > earlier.size() && path.substr(0, earlier.size()) == earlier && path[earlier.size()] == '/';
}

Status check_manifest(const Manifest& m) {
  bool name_ok = m.name.size() >= 3 && m.name.size() <= 40 && m.name[0] >= 'a' && m.name[0] <= 'z';
  for (char c : m.name) name_ok = name_ok && (lower_alnum(c) || c == '-');
  if (!name_ok) return bad_manifest("'name' must be 3-40 of a-z 0-9 -, starting with a letter");
  MC_TRY_STATUS(check_list(m.kinds, "kinds", false));
  MC_TRY_STATUS(check_list(m.mimes, "mimes", true));
  if (m.kinds.empty() && m.mimes.empty()) return bad_manifest("name at least one kind or MIME type it opens");
  if (auto st = check_path(m.entry); !st || m.entry.size() < 5 || m.entry.substr(m.entry.size() - 4) != ".lua") {
    return bad_manifest("'entry' must be the path of a .lua file of the package");
  }
  if (!well_formed(m.version)) return bad_manifest("'version' is not a semantic version");
  if (!well_formed(m.min_client)) return bad_manifest("'min_client' is not a semantic version");
  if (m.description.size() > 500) return bad_manifest("'description' is longer than 500 bytes");
  if (!valid_utf8(m.description)) return bad_manifest("'description' is not UTF-8");
  return {};
}

void write_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

void write_list(std::string& out, const std::vector<std::string>& list) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    write_json_string(out, list[i]);
  }
  out += ']';
}

// "NAME 123\n" header lines: the decimal without leading zeros.
bool parse_count(std::string_view s, std::size_t& out) {
  if (s.empty() || s.size() > 8 || (s.size() > 1 && s[0] == '0')) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::size_t>(c - '0');
  }
  return true;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2) return false;
  out.assign(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < hex.size(); ++i) {
    char c = hex[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return false;  // lower case only: one form
    out[i / 2] = static_cast<char>((static_cast<unsigned char>(out[i / 2]) << 4) | v);
  }
  return true;
}

std::string signing_input(std::string_view signed_part) {
  std::string in(kDomain);
  in += signed_part;
  return in;
}

}  // namespace

KeyPair generate_key_pair() {
  init_crypto();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  KeyPair k{std::string(reinterpret_cast<char*>(pk), sizeof pk), std::string(reinterpret_cast<char*>(sk), sizeof sk)};
  sodium_memzero(sk, sizeof sk);
  return k;
}

std::string key_id(std::string_view public_key) { return sha256_hex(public_key).substr(0, 32); }

std::string secret_key_text(const KeyPair& k) { return std::string(kSecretPrefix) + to_hex(k.secret_key) + "\n"; }
std::string public_key_text(std::string_view public_key) {
  return std::string(kPublicPrefix) + to_hex(public_key) + "\n";
}

Result<KeyPair> parse_secret_key_text(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::string sk;
  if (text.substr(0, kSecretPrefix.size()) != kSecretPrefix || !from_hex(text.substr(kSecretPrefix.size()), sk) ||
      sk.size() != crypto_sign_SECRETKEYBYTES) {
    return Error::invalid_argument("bad_key_file", "not a handler secret key (msgc handler keygen makes one)");
  }
  // libsodium's secret key is the seed and then the public key: the two
  // halves must agree, or it would sign under an id nothing verifies.
  init_crypto();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, reinterpret_cast<const unsigned char*>(sk.data()));
  unsigned char seed[crypto_sign_SEEDBYTES], derived_pk[crypto_sign_PUBLICKEYBYTES],
      derived_sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_ed25519_sk_to_seed(seed, reinterpret_cast<const unsigned char*>(sk.data()));
  crypto_sign_seed_keypair(derived_pk, derived_sk, seed);
  bool agree = sodium_memcmp(pk, derived_pk, sizeof pk) == 0;
  sodium_memzero(seed, sizeof seed);
  sodium_memzero(derived_sk, sizeof derived_sk);
  if (!agree) return Error::invalid_argument("bad_key_file", "the secret key file is damaged (its halves disagree)");
  return KeyPair{std::string(reinterpret_cast<char*>(pk), sizeof pk), sk};
}

Result<std::string> parse_public_key_text(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::string pk;
  if (text.substr(0, kPublicPrefix.size()) != kPublicPrefix || !from_hex(text.substr(kPublicPrefix.size()), pk) ||
      pk.size() != crypto_sign_PUBLICKEYBYTES) {
    return Error::invalid_argument("bad_key_file", "not a handler public key (the FILE.pub of msgc handler keygen)");
  }
  return pk;
}

std::string canonical_json(const Manifest& m) {
  std::string out = "{\"description\":";
  write_json_string(out, m.description);
  out += ",\"entry\":";
  write_json_string(out, m.entry);
  out += ",\"kinds\":";
  write_list(out, m.kinds);
  out += ",\"mimes\":";
  write_list(out, m.mimes);
  out += ",\"min_client\":";
  write_json_string(out, m.min_client.text());
  out += ",\"name\":";
  write_json_string(out, m.name);
  out += ",\"version\":";
  write_json_string(out, m.version.text());
  out += '}';
  return out;
}

Result<Manifest> parse_manifest(std::string_view json_text) {
  boost::system::error_code ec;
  json::value v = json::parse(json_text, ec);
  if (ec || !v.is_object()) return bad_manifest("not a JSON object");
  const auto& o = v.get_object();
  static constexpr std::string_view kFields[] = {"description", "entry", "kinds",  "mimes",
                                                 "min_client",  "name",  "version"};
  for (const auto& kv : o) {
    if (std::find(std::begin(kFields), std::end(kFields), kv.key()) == std::end(kFields)) {
      return bad_manifest("unknown field '" + std::string(kv.key()) + "'");
    }
  }
  auto str = [&](std::string_view k, std::string& out) -> Status {
    const auto* f = o.if_contains(k);
    if (!f || !f->is_string()) return bad_manifest("'" + std::string(k) + "' must be a string");
    out = std::string(f->get_string());
    return {};
  };
  auto list = [&](std::string_view k, std::vector<std::string>& out) -> Status {
    const auto* f = o.if_contains(k);
    if (!f) return {};
    if (!f->is_array()) return bad_manifest("'" + std::string(k) + "' must be an array of strings");
    for (const auto& e : f->get_array()) {
      if (!e.is_string()) return bad_manifest("'" + std::string(k) + "' must be an array of strings");
      out.emplace_back(e.get_string());
    }
    return {};
  };
  Manifest m;
  std::string version, min_client;
  MC_TRY_STATUS(str("name", m.name));
  MC_TRY_STATUS(str("version", version));
  MC_TRY_STATUS(str("entry", m.entry));
  MC_TRY_STATUS(str("min_client", min_client));
  if (o.contains("description")) MC_TRY_STATUS(str("description", m.description));
  MC_TRY_STATUS(list("kinds", m.kinds));
  MC_TRY_STATUS(list("mimes", m.mimes));
  auto ver = SemVer::parse(version);
  if (!ver) return bad_manifest("'version': " + ver.error().message);
  auto min = SemVer::parse(min_client);
  if (!min) return bad_manifest("'min_client': " + min.error().message);
  m.version = *ver;
  m.min_client = *min;
  MC_TRY_STATUS(check_manifest(m));
  return m;
}

Result<std::string> build_package(const Manifest& m, std::vector<PackageFile> files, const KeyPair& key) {
  MC_TRY_STATUS(check_manifest(m));
  if (files.size() > kMaxPackageFiles) {
    return Error::too_large("package_too_large",
                            "a package holds at most " + std::to_string(kMaxPackageFiles) + " files");
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  bool has_entry = false;
  for (std::size_t i = 0; i < files.size(); ++i) {
    MC_TRY_STATUS(check_path(files[i].path));
    if (i > 0 && files[i].path == files[i - 1].path) {
      return Error::invalid_argument("invalid_package_path", "package path '" + files[i].path + "' appears twice");
    }
    for (std::size_t k = 0; k < i; ++k) {
      if (is_under(files[k].path, files[i].path)) {
        return Error::invalid_argument("invalid_package_path",
                                       "package path '" + files[i].path + "' is inside the file " + files[k].path);
      }
    }
    has_entry = has_entry || files[i].path == m.entry;
  }
  if (!has_entry) return bad_manifest("'entry' " + m.entry + " is not a file of the package");
  std::string manifest = canonical_json(m);
  std::string out(kMagic);
  out += "manifest " + std::to_string(manifest.size()) + "\n" + manifest + "\n";
  for (const auto& f : files) out += "file " + f.path + " " + std::to_string(f.bytes.size()) + "\n" + f.bytes + "\n";
  if (out.size() + kSignatureLineBytes > kMaxPackageBytes) {
    return Error::too_large("package_too_large", "a package is at most " + std::to_string(kMaxPackageBytes) + " bytes");
  }
  init_crypto();
  std::string input = signing_input(out);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  out += "signature " + key_id(key.public_key) + " " +
         to_hex(std::string_view(reinterpret_cast<char*>(sig), sizeof sig)) + "\n";
  return out;
}

Result<Package> parse_package(std::string_view bytes) {
  if (bytes.size() > kMaxPackageBytes) {
    return Error::too_large("package_too_large", "a package is at most " + std::to_string(kMaxPackageBytes) + " bytes");
  }
  if (bytes.substr(0, kMagic.size()) != kMagic)
    return malformed("it does not begin with '" + std::string("msgcenter-handler 1") + "'");
  std::size_t pos = kMagic.size();
  // The header line at pos: its words; pos moves past it.
  auto header = [&](std::vector<std::string_view>& words) -> bool {
    std::size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos || nl - pos > 300) return false;
    std::string_view line = bytes.substr(pos, nl - pos);
    words.clear();
    std::size_t i = 0;
    while (i <= line.size()) {
      std::size_t j = line.find(' ', i);
      if (j == std::string_view::npos) j = line.size();
      words.push_back(line.substr(i, j - i));
      i = j + 1;
    }
    pos = nl + 1;
    return true;
  };
  // N bytes at pos, then one "\n".
  auto body = [&](std::size_t n, std::string_view& out) -> bool {
    if (n > bytes.size() - pos || bytes.size() - pos - n < 1 || bytes[pos + n] != '\n') return false;
    out = bytes.substr(pos, n);
    pos += n + 1;
    return true;
  };
  std::vector<std::string_view> w;
  std::size_t n = 0;
  std::string_view manifest_text;
  if (!header(w) || w.size() != 2 || w[0] != "manifest" || !parse_count(w[1], n) || !body(n, manifest_text)) {
    return malformed("the manifest line at byte " + std::to_string(kMagic.size()));
  }
  Package p;
  MC_TRY(p.manifest, parse_manifest(manifest_text));
  if (canonical_json(p.manifest) != manifest_text) {
    return malformed("the manifest is not written canonically (keys in order, no spaces, minimal escapes)");
  }
  bool has_entry = false;
  for (;;) {
    std::size_t line_at = pos;
    if (!header(w)) return malformed("a header line ends before byte " + std::to_string(line_at + 300));
    if (w[0] == "signature") {
      p.signed_part = std::string(bytes.substr(0, line_at));
      std::string id_bytes;
      if (w.size() != 3 || w[1].size() != 32 || !from_hex(w[1], id_bytes) || w[2].size() != 128 ||
          !from_hex(w[2], p.signature)) {
        return malformed("the signature line at byte " + std::to_string(line_at));
      }
      p.key_id = std::string(w[1]);
      if (pos != bytes.size()) return malformed("bytes follow the signature line");
      break;
    }
    std::string_view content;
    if (w[0] != "file" || w.size() != 3 || !parse_count(w[2], n) || !body(n, content)) {
      return malformed("the file line at byte " + std::to_string(line_at));
    }
    MC_TRY_STATUS(check_path(w[1]));
    if (!p.files.empty() && !(p.files.back().path < w[1])) {
      return malformed("file " + std::string(w[1]) + " is out of order or twice");
    }
    for (const auto& f : p.files) {
      if (is_under(f.path, w[1])) {
        return Error::invalid_argument("invalid_package_path",
                                       "package path '" + std::string(w[1]) + "' is inside the file " + f.path);
      }
    }
    if (p.files.size() == kMaxPackageFiles) {
      return Error::too_large("package_too_large",
                              "a package holds at most " + std::to_string(kMaxPackageFiles) + " files");
    }
    p.files.push_back({std::string(w[1]), std::string(content)});
    has_entry = has_entry || w[1] == p.manifest.entry;
  }
  if (!has_entry) return bad_manifest("'entry' " + p.manifest.entry + " is not a file of the package");
  return p;
}

Status verify_package(const Package& p, const std::vector<std::string>& public_keys) {
  init_crypto();
  for (const auto& pk : public_keys) {
    if (pk.size() != crypto_sign_PUBLICKEYBYTES || key_id(pk) != p.key_id) continue;
    std::string input = signing_input(p.signed_part);
    if (p.signature.size() != crypto_sign_BYTES ||
        crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(p.signature.data()),
                                    reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                                    reinterpret_cast<const unsigned char*>(pk.data())) != 0) {
      return Error::data_loss("bad_signature", "the package " + p.manifest.name + " " + p.manifest.version.text() +
                                                   " is not signed by key " + p.key_id + " as it claims");
    }
    return {};
  }
  return Error::permission_denied("unknown_signing_key", "the package " + p.manifest.name + " " +
                                                             p.manifest.version.text() + " is signed by key " +
                                                             p.key_id + ", which is not one of the trusted keys");
}

}  // namespace mc::handler
