#include "core/contacts/oprf.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cctype>
#include <string>
#include <vector>

namespace mc::contacts::oprf {

namespace {

const std::string kAlice = "tel:+14155550132";
const std::string kBob = "mailto:bob@example.org";

// key * hash_to_point(identifier) by libsodium's own primitive, without any
// code of ours between.
Point direct(const Scalar& key, std::string_view identifier) {
  Point h = hash_to_point(identifier);
  Point out;
  EXPECT_EQ(crypto_scalarmult_ristretto255(out.data(), key.data(), h.data()), 0);
  return out;
}

// What a client computes for `identifier` against a server holding `key`.
std::string client_tag(const Scalar& key, const std::string& identifier) {
  Blinded b = blind(identifier);
  auto evaluated = evaluate(key, b.point);
  EXPECT_TRUE(evaluated) << evaluated.error().message;
  auto unblinded = unblind(b.blind, *evaluated);
  EXPECT_TRUE(unblinded) << unblinded.error().message;
  return tag(identifier, *unblinded);
}

Point valid_point() { return hash_to_point("some identifier"); }

}  // namespace

TEST(Oprf, BlindEvaluateUnblindGivesKeyTimesHashAndTheServersTag) {
  Scalar key = new_key();
  Blinded b = blind(kAlice);
  auto evaluated = evaluate(key, b.point);
  ASSERT_TRUE(evaluated) << evaluated.error().message;
  auto unblinded = unblind(b.blind, *evaluated);
  ASSERT_TRUE(unblinded) << unblinded.error().message;
  EXPECT_EQ(*unblinded, direct(key, kAlice));

  std::string t = tag(kAlice, *unblinded);
  EXPECT_EQ(t.size(), kTagBytes);
  EXPECT_EQ(t, server_tag(key, kAlice));
}

TEST(Oprf, HashToPointIsFromHashOfTheDomainAndTheIdentifier) {
  std::string input = std::string("msgcenter-oprf-v1") + '\0' + kAlice;
  unsigned char digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  Point expected;
  crypto_core_ristretto255_from_hash(expected.data(), digest);
  EXPECT_EQ(hash_to_point(kAlice), expected);
  EXPECT_EQ(crypto_core_ristretto255_is_valid_point(expected.data()), 1);
}

TEST(Oprf, TagIsTheFirstBytesOfSha512OverTheLengthPrefixedIdentifierAndPoint) {
  Point p = valid_point();
  std::string input = std::string("msgcenter-oprf-tag-v1") + '\0';
  input += std::string(7, '\0') + static_cast<char>(kAlice.size());
  input += kAlice;
  input.append(reinterpret_cast<const char*>(p.data()), p.size());
  unsigned char digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EXPECT_EQ(tag(kAlice, p), std::string(reinterpret_cast<const char*>(digest), kTagBytes));
}

TEST(Oprf, ADirectoryEntryIsAOneWayHashOfTheTagAndNotTheTag) {
  std::string t = tag(kAlice, valid_point());
  std::string input = std::string("msgcenter-dir-v1") + '\0' + t;
  unsigned char digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(digest, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EXPECT_EQ(directory_entry(t), std::string(reinterpret_cast<const char*>(digest), kTagBytes));
  EXPECT_NE(directory_entry(t), t);
  EXPECT_NE(directory_entry(directory_entry(t)), directory_entry(t));
}

TEST(Oprf, TwoBlindsOfOneIdentifierDifferButGiveTheSameTag) {
  Scalar key = new_key();
  Blinded b1 = blind(kAlice), b2 = blind(kAlice);
  EXPECT_NE(b1.blind, b2.blind);
  EXPECT_NE(b1.point, b2.point);
  // What the server sees is not the identifier's point.
  EXPECT_NE(b1.point, hash_to_point(kAlice));
  EXPECT_EQ(client_tag(key, kAlice), client_tag(key, kAlice));
  EXPECT_EQ(client_tag(key, kAlice), server_tag(key, kAlice));
}

TEST(Oprf, AnotherKeyMatchesNothing) {
  Scalar key = new_key(), other = new_key();
  ASSERT_NE(key, other);
  EXPECT_NE(client_tag(other, kAlice), server_tag(key, kAlice));
  EXPECT_NE(server_tag(other, kAlice), server_tag(key, kAlice));
  EXPECT_NE(client_tag(other, kBob), server_tag(key, kBob));
}

TEST(Oprf, DifferentIdentifiersGiveDifferentPointsAndTags) {
  Scalar key = new_key();
  std::vector<std::string> ids = {kAlice, "tel:+14155550133", kBob, "mailto:bob@example.or", ""};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = i + 1; j < ids.size(); ++j) {
      EXPECT_NE(hash_to_point(ids[i]), hash_to_point(ids[j])) << ids[i] << " / " << ids[j];
      EXPECT_NE(server_tag(key, ids[i]), server_tag(key, ids[j])) << ids[i] << " / " << ids[j];
      EXPECT_NE(client_tag(key, ids[i]), server_tag(key, ids[j])) << ids[i] << " / " << ids[j];
    }
  }
  // The same point under another identifier is another tag.
  Point p = direct(key, kAlice);
  EXPECT_NE(tag(kAlice, p), tag(kBob, p));
}

TEST(Oprf, EvaluateAndUnblindRefuseNonCanonicalPointsAndTheIdentity) {
  Scalar key = new_key();
  Point all_ff;
  all_ff.fill(0xff);
  Point top_bit = valid_point();
  top_bit[31] |= 0x80;
  Point identity{};
  for (const Point& bad : {all_ff, top_bit, identity}) {
    auto e = evaluate(key, bad);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, "invalid_point");
    EXPECT_TRUE(e.error().is(ErrorKind::kInvalidArgument));
    auto u = unblind(blind(kAlice).blind, bad);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().code, "invalid_point");
  }
  // A product that is the identity (here: from a zero key) is refused too.
  auto zero = evaluate(Scalar{}, valid_point());
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, "invalid_point");
}

TEST(Oprf, UnblindRefusesAZeroBlind) {
  auto u = unblind(Scalar{}, valid_point());
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code, "invalid_blind");
}

TEST(Oprf, PointsAndTagsRoundTripThroughUnpaddedBase64url) {
  Scalar key = new_key();
  for (int i = 0; i < 32; ++i) {
    Point p = blind(kAlice + std::to_string(i)).point;
    std::string text = encode(p);
    EXPECT_EQ(text.size(), 43u);
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << text;
    auto back = decode_point(text);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, p);

    std::string t = server_tag(key, kAlice + std::to_string(i));
    std::string tag_text = encode_tag(t);
    EXPECT_EQ(tag_text.size(), 22u);
    auto tag_back = decode_tag(tag_text);
    ASSERT_TRUE(tag_back) << tag_back.error().message;
    EXPECT_EQ(*tag_back, t);
  }
}

TEST(Oprf, DecodePointRefusesWrongLengthsBadCharactersAndBadPoints) {
  std::string good = encode(valid_point());
  ASSERT_TRUE(decode_point(good));
  Point all_ff;
  all_ff.fill(0xff);
  Point top_bit = valid_point();
  top_bit[31] |= 0x80;
  // 43 characters carry 258 bits; the last two must be zero, or one point
  // would have four spellings.
  std::string spare_bits = good;
  {
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::size_t v = kAlphabet.find(spare_bits.back());
    ASSERT_EQ(v & 3, 0u);
    spare_bits.back() = kAlphabet[v | 1];
  }
  std::string plus = good, slash = good;
  plus[5] = '+';
  slash[5] = '/';
  for (const std::string& bad :
       {std::string(), good.substr(1), good + "A", good + "=", std::string(44, 'A'), std::string(42, 'A'), plus, slash,
        std::string(43, '!'), spare_bits, std::string(43, 'A'),  // the identity
        encode(all_ff), encode(top_bit), " " + good.substr(1)}) {
    auto r = decode_point(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_point") << bad;
  }
}

TEST(Oprf, DecodeTagRefusesWhatIsNotATag) {
  std::string good = encode_tag(std::string(kTagBytes, '\x5a'));
  ASSERT_TRUE(decode_tag(good));
  for (const std::string& bad : {std::string(), good.substr(1), good + "A", good + "==", std::string(21, 'A'),
                                 std::string(22, '*'), encode(valid_point())}) {
    auto r = decode_tag(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_tag") << bad;
  }
}

TEST(Oprf, KeysRoundTripThroughHex) {
  for (int i = 0; i < 16; ++i) {
    Scalar key = new_key();
    std::string hex = key_hex(key);
    EXPECT_EQ(hex.size(), 64u);
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
    auto back = key_from_hex(hex);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, key);
    std::string upper = hex;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto from_upper = key_from_hex(upper);
    ASSERT_TRUE(from_upper);
    EXPECT_EQ(*from_upper, key);
  }
  // The largest canonical scalar, L - 1 (little-endian), is a key.
  EXPECT_TRUE(key_from_hex("ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"));
  EXPECT_TRUE(key_from_hex("01" + std::string(62, '0')));
}

TEST(Oprf, KeyFromHexRefusesBadKeys) {
  std::string good = key_hex(new_key());
  for (const std::string& bad : {
           std::string(),
           good.substr(1),
           good + "0",
           good.substr(2),
           good + "00",
           "zz" + good.substr(2),
           " " + good.substr(1),
           std::string(64, '0'),  // zero
           // L, the group order (little-endian): not reduced.
           std::string("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"),
           std::string(64, 'f'),
       }) {
    auto r = key_from_hex(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_key") << bad;
  }
}

}  // namespace mc::contacts::oprf
