#include "core/handler/package.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace mc::handler {
namespace {

const char* kManifest = R"({"name": "novel-reader", "version": "1.2.0", "kinds": ["novel"],
  "mimes": ["text/plain", "text/*"], "entry": "main.lua", "min_client": "0.1.0",
  "description": "Reads novels: chapters and pages. \u00e9\"\\"})";

Manifest manifest() {
  auto m = parse_manifest(kManifest);
  EXPECT_TRUE(m) << (m ? "" : m.error().message);
  return *m;
}

std::vector<PackageFile> files() {
  return {{"main.lua", "return function(args) return {title = 'x'} end\n"},
          {"lib/pages.lua", "local M = {}\nreturn M\n"},
          {"data/words.txt", std::string("binary\0bytes\n\nfile 1\n", 21)}};
}

struct Built {
  KeyPair key;
  std::string bytes;
};

Built built() {
  Built b{generate_key_pair(), ""};
  auto r = build_package(manifest(), files(), b.key);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  b.bytes = *r;
  return b;
}

TEST(HandlerPackage, BuildsParsesAndVerifies) {
  auto b = built();
  auto p = parse_package(b.bytes);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->manifest.name, "novel-reader");
  EXPECT_EQ(p->manifest.version.text(), "1.2.0");
  EXPECT_EQ(p->manifest.description, "Reads novels: chapters and pages. \xc3\xa9\"\\");
  ASSERT_EQ(p->files.size(), 3u);
  EXPECT_EQ(p->files[0].path, "data/words.txt");  // byte order
  EXPECT_EQ(p->files[0].bytes, std::string("binary\0bytes\n\nfile 1\n", 21));
  EXPECT_EQ(p->files[2].path, "main.lua");
  EXPECT_EQ(p->key_id, key_id(b.key.public_key));
  EXPECT_TRUE(verify_package(*p, {generate_key_pair().public_key, b.key.public_key}));
  // The same content always gives the same bytes but the signature.
  auto again = build_package(manifest(), files(), b.key);
  EXPECT_EQ(*again, b.bytes);  // Ed25519 signatures are deterministic too
}

TEST(HandlerPackage, EveryFlippedByteIsRefused) {
  auto b = built();
  for (std::size_t i = 0; i < b.bytes.size(); ++i) {
    std::string t = b.bytes;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    auto p = parse_package(t);
    if (!p) continue;  // refused as malformed: fine
    EXPECT_FALSE(verify_package(*p, {b.key.public_key})) << "byte " << i << " flipped and still verifies";
  }
}

TEST(HandlerPackage, WrongKeysAndMissingSignaturesAreRefused) {
  auto b = built();
  auto p = parse_package(b.bytes).value();
  auto unknown = verify_package(p, {generate_key_pair().public_key});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "unknown_signing_key");
  EXPECT_FALSE(verify_package(p, {}));
  // Signed by another key that claims the trusted key's id.
  auto other = generate_key_pair();
  auto forged = build_package(manifest(), files(), KeyPair{b.key.public_key, other.secret_key}).value();
  auto fp = parse_package(forged).value();
  auto bad = verify_package(fp, {b.key.public_key});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "bad_signature");
  // No signature line at all.
  std::string unsigned_bytes = b.bytes.substr(0, b.bytes.rfind("signature "));
  EXPECT_EQ(parse_package(unsigned_bytes).error().code, "malformed_package");
  // Something after the signature.
  EXPECT_EQ(parse_package(b.bytes + "file evil.lua 1\nx\n").error().code, "malformed_package");
}

TEST(HandlerPackage, OnlyTheCanonicalFormIsRead) {
  auto b = built();
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = b.bytes;
    auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    t.replace(at, from.size(), to);
    return t;
  };
  std::string m = canonical_json(manifest());
  // A manifest with a space, a count with a leading zero, files out of order.
  std::string spaced = m;
  spaced.insert(1, " ");
  EXPECT_EQ(parse_package(replace("manifest " + std::to_string(m.size()) + "\n" + m,
                                  "manifest " + std::to_string(spaced.size()) + "\n" + spaced))
                .error()
                .code,
            "malformed_package");
  EXPECT_EQ(parse_package(replace("file main.lua ", "file main.lua 0")).error().code, "malformed_package");
  auto swapped = replace("file data/words.txt", "file zz/words.txt");
  EXPECT_EQ(parse_package(swapped).error().code, "malformed_package");
  EXPECT_EQ(parse_package("not a package").error().code, "malformed_package");
  EXPECT_EQ(parse_package("").error().code, "malformed_package");
  EXPECT_EQ(parse_package(std::string(kMaxPackageBytes + 1, 'x')).error().code, "package_too_large");
}

TEST(HandlerPackage, PathsStayInsideThePackage) {
  auto key = generate_key_pair();
  for (const char* bad : {"../main.lua", "/main.lua", "a//b.lua", "./main.lua", "lib/../main.lua", "Main.lua",
                          "main.so", "main", "a b.lua", ""}) {
    auto fs = files();
    fs.push_back({bad, "x"});
    auto r = build_package(manifest(), fs, key);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_package_path") << bad;
  }
  auto dup = files();
  dup.push_back({"main.lua", "again"});
  EXPECT_EQ(build_package(manifest(), dup, key).error().code, "invalid_package_path");
  auto no_entry = files();
  no_entry.erase(no_entry.begin());
  EXPECT_EQ(build_package(manifest(), no_entry, key).error().code, "invalid_manifest");
  std::vector<PackageFile> many;
  for (int i = 0; i < 65; ++i) many.push_back({"f" + std::to_string(i) + ".lua", ""});
  many.push_back({"main.lua", ""});
  EXPECT_EQ(build_package(manifest(), many, key).error().code, "package_too_large");
  auto big = files();
  big.push_back({"big.txt", std::string(kMaxPackageBytes, 'x')});
  EXPECT_EQ(build_package(manifest(), big, key).error().code, "package_too_large");
}

TEST(HandlerPackage, ManifestsAreCheckedFieldByField) {
  const char* bad[] = {
      "[]",
      "{not json",
      R"({"name": "novel-reader", "version": "1.2", "kinds": ["novel"], "entry": "main.lua", "min_client": "0.1.0"})",
      R"({"name": "Novel", "version": "1.2.0", "kinds": ["novel"], "entry": "main.lua", "min_client": "0.1.0"})",
      R"({"name": "nr", "version": "1.2.0", "kinds": ["novel"], "entry": "main.lua", "min_client": "0.1.0"})",
      R"({"name": "novel-reader", "version": "1.2.0", "entry": "main.lua", "min_client": "0.1.0"})",
      R"({"name": "novel-reader", "version": "1.2.0", "kinds": ["novel", "novel"], "entry": "main.lua", "min_client": "0.1.0"})",
      R"({"name": "novel-reader", "version": "1.2.0", "mimes": ["text"], "entry": "main.lua", "min_client": "0.1.0"})",
      R"({"name": "novel-reader", "version": "1.2.0", "mimes": ["*/plain"], "entry": "main.lua", "min_client": "0.1.0"})",
      R"({"name": "novel-reader", "version": "1.2.0", "kinds": ["novel"], "entry": "main.txt", "min_client": "0.1.0"})",
      R"({"name": "novel-reader", "version": "1.2.0", "kinds": ["novel"], "entry": "../main.lua", "min_client": "0.1.0"})",
      R"({"name": "novel-reader", "version": "1.2.0", "kinds": ["novel"], "entry": "main.lua"})",
      R"({"name": "novel-reader", "version": "1.2.0", "kinds": ["novel"], "entry": "main.lua", "min_client": "0.1.0", "run_as": "root"})",
      R"({"name": "novel-reader", "version": "1.2.0", "kinds": [7], "entry": "main.lua", "min_client": "0.1.0"})",
  };
  for (const char* text : bad) {
    auto m = parse_manifest(text);
    ASSERT_FALSE(m) << text;
    EXPECT_EQ(m.error().code, "invalid_manifest") << text;
  }
  std::string long_description = std::string(R"({"name": "novel-reader", "version": "1.2.0", "kinds": ["novel"], )") +
                                 R"("entry": "main.lua", "min_client": "0.1.0", "description": ")" +
                                 std::string(501, 'd') + "\"}";
  EXPECT_EQ(parse_manifest(long_description).error().code, "invalid_manifest");
}

TEST(HandlerPackage, TheSizeLimitCountsTheSignatureLine) {
  auto key = generate_key_pair();
  auto with_big = [&](std::size_t n) {
    auto fs = files();
    fs.push_back({"big.txt", std::string(n, 'x')});
    return build_package(manifest(), fs, key);
  };
  std::size_t unsigned0 = with_big(0)->size() - 172;       // the signature line is 172 bytes
  std::size_t n = kMaxPackageBytes - 172 - unsigned0 - 6;  // "0" becomes a 7-digit count
  auto exact = with_big(n);
  ASSERT_TRUE(exact) << exact.error().message;
  EXPECT_EQ(exact->size(), kMaxPackageBytes);
  EXPECT_TRUE(parse_package(*exact));
  EXPECT_EQ(with_big(n + 1).error().code, "package_too_large");
  std::vector<PackageFile> many;
  for (int i = 0; i < 63; ++i) many.push_back({"f" + std::to_string(i) + ".lua", ""});
  many.push_back({"main.lua", ""});
  EXPECT_TRUE(parse_package(build_package(manifest(), many, key).value()));  // 64 files
  many.push_back({"one-more.lua", ""});
  EXPECT_EQ(build_package(manifest(), many, key).error().code, "package_too_large");
}

TEST(HandlerPackage, APathIsAFileOrAFolderNotBoth) {
  auto key = generate_key_pair();
  auto fs = files();
  fs.push_back({"lib/pages.lua/inner.lua", "x"});
  EXPECT_EQ(build_package(manifest(), fs, key).error().code, "invalid_package_path");
  // The same through the parser: a package written by something else.
  auto b = build_package(manifest(), files(), key).value();
  std::string inner = "file lib/pages.lua/inner.lua 1\nx\n";
  auto at = b.find("file main.lua");
  b.insert(at, inner);
  EXPECT_EQ(parse_package(b).error().code, "invalid_package_path");
}

TEST(HandlerPackage, OtherSpellingsOfTheSameContentAreRefused) {
  auto b = built();
  std::string m = canonical_json(manifest());
  auto with_manifest = [&](const std::string& other) {
    std::string t = b.bytes;
    std::string from = "manifest " + std::to_string(m.size()) + "\n" + m;
    t.replace(t.find(from), from.size(), "manifest " + std::to_string(other.size()) + "\n" + other);
    return parse_package(t);
  };
  std::string escaped = m;
  escaped.replace(escaped.find("\xc3\xa9"), 2, "\\u00e9");
  EXPECT_EQ(with_manifest(escaped).error().code, "malformed_package");
  std::string reordered = m;  // "entry" before "description"
  auto d = reordered.find("\"description\"");
  auto e = reordered.find(",\"entry\"");
  auto k = reordered.find(",\"kinds\"");
  std::string desc = reordered.substr(d, e - d), entry = reordered.substr(e + 1, k - e - 1);
  reordered.replace(d, k - d, entry + "," + desc);
  EXPECT_EQ(with_manifest(reordered).error().code, "malformed_package");
  std::string upper = b.bytes;
  auto sig = upper.rfind(' ') + 1;
  for (std::size_t i = sig; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_EQ(parse_package(upper).error().code, "malformed_package");
}

TEST(HandlerPackage, VersionsFilledByHandMustBeVersions) {
  auto m = manifest();
  m.version.prerelease = {"a.b"};  // would print as a.b and read back as two identifiers
  EXPECT_EQ(build_package(m, files(), generate_key_pair()).error().code, "invalid_manifest");
  m = manifest();
  m.min_client.prerelease = {"01"};
  EXPECT_EQ(build_package(m, files(), generate_key_pair()).error().code, "invalid_manifest");
}

TEST(HandlerPackage, KeyFilesRoundTrip) {
  auto k = generate_key_pair();
  auto sk = parse_secret_key_text(secret_key_text(k));
  ASSERT_TRUE(sk);
  EXPECT_EQ(sk->secret_key, k.secret_key);
  EXPECT_EQ(sk->public_key, k.public_key);
  EXPECT_EQ(parse_public_key_text(public_key_text(k.public_key)).value(), k.public_key);
  EXPECT_EQ(parse_secret_key_text(public_key_text(k.public_key)).error().code, "bad_key_file");
  EXPECT_EQ(parse_public_key_text("msgcenter-handler-public-key-v1 zz").error().code, "bad_key_file");
  EXPECT_EQ(key_id(k.public_key).size(), 32u);
  // A secret key whose public half was edited is refused, not used.
  std::string text = secret_key_text(k);
  std::size_t last = text.size() - 2;  // the last hex digit, before "\n"
  text[last] = text[last] == '0' ? '1' : '0';
  EXPECT_EQ(parse_secret_key_text(text).error().code, "bad_key_file");
}

}  // namespace
}  // namespace mc::handler
