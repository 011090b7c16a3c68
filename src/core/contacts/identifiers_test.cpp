#include "core/contacts/identifiers.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace mc::contacts {

namespace {

struct PhoneCase {
  std::string raw;
  std::string region;
  std::string e164;
};

// Checked against Debian 12's libphonenumber 8.12.57.
const std::vector<PhoneCase> kPhones = {
    {"+1 (415) 555-0132", "", "+14155550132"},
    {"+1 (415) 555-0132", "DE", "+14155550132"},  // '+' wins over the region
    {"(415) 555-0132 ext. 12", "US", "+14155550132"},
    {"415.555.0132 x12", "us", "+14155550132"},
    {"+1 415 555 0132;ext=12", "", "+14155550132"},
    {"tel:+1-415-555-0132;ext=12", "", "+14155550132"},
    {"011 49 30 1234567", "US", "+49301234567"},  // the US international prefix
    {"0151 2345 6789", "DE", "+4915123456789"},
    {"030 1234567", "DE", "+49301234567"},
    {"030 1234567", "de", "+49301234567"},
    {"+49 (0)30 1234567", "", "+49301234567"},
    {"+49 (0)30 1234567", "DE", "+49301234567"},
    {"0049 30 1234567", "DE", "+49301234567"},
    {"00 33 1 23 45 67 89", "FR", "+33123456789"},
    {"01 23 45 67 89", "FR", "+33123456789"},
    {"+44 20 7946 0958 ext. 123", "", "+442079460958"},
    {"020 7946 0958", "GB", "+442079460958"},
    {"13812345678", "CN", "+8613812345678"},
    {"090-1234-5678", "JP", "+819012345678"},
    {"+39 06 1234 5678", "", "+390612345678"},  // Italy keeps its leading 0
    {"1-800-FLOWERS", "US", "+18003569377"},
    {"  +49 30 1234567  ", "", "+49301234567"},
};

void expect_error(const Result<std::string>& r, const std::string& code, const std::string& what) {
  ASSERT_FALSE(r) << what << " -> " << *r;
  EXPECT_EQ(r.error().code, code) << what << ": " << r.error().message;
  EXPECT_TRUE(r.error().is(ErrorKind::kInvalidArgument)) << what;
}

}  // namespace

TEST(IdentifierKind, NamesRoundTrip) {
  for (auto k : {IdentifierKind::kPhone, IdentifierKind::kEmail}) {
    EXPECT_EQ(parse_identifier_kind(identifier_kind_name(k)), k);
  }
  EXPECT_EQ(identifier_kind_name(IdentifierKind::kPhone), "phone");
  EXPECT_EQ(identifier_kind_name(IdentifierKind::kEmail), "email");
  for (std::string_view bad : {"", "Phone", "mail", "tel", "e-mail"}) EXPECT_FALSE(parse_identifier_kind(bad)) << bad;
}

TEST(NormalizePhone, MessyFormsBecomeE164) {
  for (const auto& c : kPhones) {
    auto r = normalize_phone(c.raw, c.region);
    ASSERT_TRUE(r) << c.raw << " / " << c.region << ": " << r.error().code << " " << r.error().message;
    EXPECT_EQ(*r, c.e164) << c.raw << " / " << c.region;
  }
}

TEST(NormalizePhone, ANationalNumberNeedsARegion) {
  for (std::string_view raw : {"030 1234567", "(415) 555-0132", "0049 30 1234567", "12"}) {
    expect_error(normalize_phone(raw, ""), "region_required", std::string(raw));
  }
}

TEST(NormalizePhone, RefusesWhatIsNotAPossibleNumber) {
  for (std::string region : {"", "US", "DE"}) {
    for (std::string raw : {"hello", "+", "", "   ", "+999 1234567", "+49 1512345678901234", "\xff\xfe 123"}) {
      expect_error(normalize_phone(raw, region), "invalid_phone", raw + " / " + region);
    }
  }
  // Too short for the US; in Germany a local-only number, without its area code.
  expect_error(normalize_phone("12", "US"), "invalid_phone", "12 / US");
  expect_error(normalize_phone("12", "DE"), "invalid_phone", "12 / DE");
  expect_error(normalize_phone("1234567890123456789012", "US"), "invalid_phone", "22 digits");
  std::string long_input = "+1 415 555 0132" + std::string(kMaxPhoneInput, ' ');
  expect_error(normalize_phone(long_input, ""), "invalid_phone", "over 64 bytes");
  EXPECT_TRUE(normalize_phone(long_input.substr(0, kMaxPhoneInput), ""));
}

TEST(NormalizePhone, RefusesUnknownRegions) {
  for (std::string region : {"ZZ", "zz", "XX", "001", "D", "DEU", "Germany", "1"}) {
    expect_error(normalize_phone("030 1234567", region), "invalid_region", region);
    expect_error(normalize_phone("+49 30 1234567", region), "invalid_region", region);
  }
}

TEST(RegionCode, KnowsLibphonenumbersRegions) {
  for (std::string_view cc : {"US", "DE", "CN", "FR", "JP", "GB", "us", "De"}) EXPECT_TRUE(is_region_code(cc)) << cc;
  for (std::string_view cc : {"ZZ", "XX", "001", "", "U", "USA", "UK", "EU"}) EXPECT_FALSE(is_region_code(cc)) << cc;
}

TEST(NormalizePhone, IsSafeFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (const auto& c : kPhones) {
          auto r = normalize_phone(c.raw, c.region);
          if (!r || *r != c.e164) ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(NormalizeEmail, TrimsStripsMailtoAndLowerCases) {
  struct Case {
    std::string raw, want;
  };
  for (const auto& c : std::vector<Case>{
           {"  Alice.Smith@Example.COM ", "alice.smith@example.com"},
           {"mailto:Bob@x.org", "bob@x.org"},
           {"MAILTO:Bob@X.Org", "bob@x.org"},
           {"\tcarol+news@sub.example.co.uk\r\n", "carol+news@sub.example.co.uk"},
           // Non-ASCII letters stay as typed; only ASCII is folded.
           {"J\xC3\x9CRGEN@M\xC3\x9CLLER.de", "j\xC3\x9Crgen@m\xC3\x9Cller.de"},
           {"o'brien@example-mail.ie", "o'brien@example-mail.ie"},
       }) {
    auto r = normalize_email(c.raw);
    ASSERT_TRUE(r) << c.raw << ": " << r.error().message;
    EXPECT_EQ(*r, c.want) << c.raw;
  }
}

TEST(NormalizeEmail, RefusesWhatIsNotAnAddress) {
  std::string at_limit = std::string(64, 'a') + "@" + std::string(185, 'b') + ".com";
  ASSERT_EQ(at_limit.size(), kMaxEmail);
  EXPECT_TRUE(normalize_email(at_limit));
  for (const std::string& bad : {
           std::string("a@b"),
           std::string("no-at"),
           std::string("a@@b.c"),
           std::string("a@b@c.d"),
           std::string("a b@c.d"),
           std::string("@example.com"),
           std::string("a@"),
           std::string("a@.com"),
           std::string("a@example.com."),
           std::string("a@example..com"),
           std::string("a@exa_mple.com"),
           std::string("a@[192.0.2.1]"),
           std::string("bob@x.org?subject=hi"),
           std::string("mailto:"),
           std::string(""),
           std::string("   "),
           std::string("a\tb@c.d"),
           std::string("a\x7f@c.d"),
           std::string("a\xC2\x85@c.d"),      // U+0085, a C1 control
           std::string("a\xC3@c.d"),          // a cut UTF-8 sequence
           std::string("a\xC0\xAF@c.d"),      // an overlong '/'
           std::string("a\xED\xA0\x80@c.d"),  // a surrogate
           at_limit + "m",
       }) {
    expect_error(normalize_email(bad), "invalid_email", bad);
  }
}

TEST(Identifier, NormalizesByKindAndKeysWithAScheme) {
  auto phone = normalize_identifier(IdentifierKind::kPhone, "030 1234567", "DE");
  ASSERT_TRUE(phone);
  EXPECT_EQ(identifier_key(IdentifierKind::kPhone, *phone), "tel:+49301234567");
  auto email = normalize_identifier(IdentifierKind::kEmail, " Bob@X.org", "DE");
  ASSERT_TRUE(email);
  EXPECT_EQ(identifier_key(IdentifierKind::kEmail, *email), "mailto:bob@x.org");
  expect_error(normalize_identifier(IdentifierKind::kPhone, "bob@x.org", "DE"), "invalid_phone", "email as phone");
  expect_error(normalize_identifier(IdentifierKind::kEmail, "+49 30 1234567", ""), "invalid_email", "phone as email");
}

}  // namespace mc::contacts
