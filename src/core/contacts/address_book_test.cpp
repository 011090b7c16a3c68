#include "core/contacts/address_book.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace mc::contacts {
namespace {

using Types = std::vector<std::string>;
using namespace std::string_literals;

// tests/data/address_books/: exports shaped as the programs write them (see
// the README there).
std::string fixture(const std::string& name) {
#ifdef MC_CORPUS_DIR
  std::string dir = std::string(MC_CORPUS_DIR) + "/../data/address_books/";
#else
  std::string here = __FILE__;
  std::string dir = here.substr(0, here.rfind("src/core/contacts/")) + "tests/data/address_books/";
#endif
  std::ifstream in(dir + name, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(bytes.empty()) << "cannot read " << dir + name;
  return bytes;
}

AddressBook read_ok(std::string_view bytes, const AddressBookLimits& limits = {}) {
  auto book = read_address_book(bytes, limits);
  EXPECT_TRUE(book) << (book ? "" : book.error().code + ": " + book.error().message);
  return book ? *book : AddressBook{};
}

void expect_error(std::string_view bytes, const std::string& code, const AddressBookLimits& limits = {}) {
  auto book = read_address_book(bytes, limits);
  ASSERT_FALSE(book) << "expected " << code;
  EXPECT_EQ(book.error().code, code) << book.error().message;
}

std::string problems_of(const AddressBook& b) {
  std::string s;
  for (const auto& p : b.problems) s += std::to_string(p.line) + ": " + p.message + "\n";
  return s;
}

void expect_phone(const AddressBookPhone& p, const std::string& number, const Types& types,
                  const std::string& extension = "") {
  EXPECT_EQ(p.number, number);
  EXPECT_EQ(p.types, types) << number;
  EXPECT_EQ(p.extension, extension) << number;
}

void expect_email(const AddressBookEmail& e, const std::string& address, const Types& types) {
  EXPECT_EQ(e.address, address);
  EXPECT_EQ(e.types, types) << address;
}

// ---- vCard files -----------------------------------------------------------

TEST(AddressBookVCard, AndroidExport21QuotedPrintableUtf8AndPhoto) {
  AddressBook b = read_ok(fixture("android_2.1.vcf"));
  EXPECT_EQ(b.format, AddressBookFormat::kVCard);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 5u);

  const auto& juergen = b.entries[0];
  EXPECT_EQ(juergen.name, "Jürgen Müller");
  EXPECT_EQ(juergen.line, 1);
  ASSERT_EQ(juergen.phones.size(), 2u);
  expect_phone(juergen.phones[0], "0151 2345 6789", {"cell"});
  expect_phone(juergen.phones[1], "(030) 123 456-78", {"home"});
  ASSERT_EQ(juergen.emails.size(), 1u);
  expect_email(juergen.emails[0], "juergen.mueller@example.de", {"home"});

  // FN's quoted-printable is split by soft breaks, one inside a character's bytes.
  const auto& yamada = b.entries[1];
  EXPECT_EQ(yamada.name, "山田 太郎（株式会社サンプル商事）");
  EXPECT_EQ(yamada.line, 9);
  ASSERT_EQ(yamada.phones.size(), 2u);
  expect_phone(yamada.phones[0], "+81 90-1234-5678", {"cell", "pref"});
  expect_phone(yamada.phones[1], "+81 3-1234-5678", {"work"});
  ASSERT_EQ(yamada.emails.size(), 1u);
  expect_email(yamada.emails[0], "t.yamada@example.co.jp", {"work"});

  // After 45 lines of PHOTO: Android's own labels, X-CUSTOM(...), QP-encoded or not.
  const auto& wang = b.entries[2];
  EXPECT_EQ(wang.name, "王小明");
  EXPECT_EQ(wang.line, 63);
  ASSERT_EQ(wang.phones.size(), 2u);
  expect_phone(wang.phones[0], "+86 10 6552 9988", {"老家"});
  expect_phone(wang.phones[1], "555.0199", {"soccer coach"});

  // ADR and NOTE continue over unindented quoted-printable lines; none is a property of its own.
  const auto& anna = b.entries[3];
  EXPECT_EQ(anna.name, "Anna Smith");
  EXPECT_EQ(anna.line, 71);
  ASSERT_EQ(anna.phones.size(), 2u);
  expect_phone(anna.phones[0], "+1 (415) 555-0132", {"work"});
  expect_phone(anna.phones[1], "00 33 1 23 45 67 89", {"home"});

  const auto& siobhan = b.entries[4];
  EXPECT_EQ(siobhan.name, "Siobhán Ó Briain");
  EXPECT_EQ(siobhan.line, 86);
  EXPECT_TRUE(siobhan.phones.empty());
  EXPECT_TRUE(siobhan.emails.empty());
}

TEST(AddressBookVCard, AppleExport30GroupsLabelsAndFoldsInsideCharacters) {
  AddressBook b = read_ok(fixture("ios_3.0.vcf"));
  EXPECT_EQ(b.format, AddressBookFormat::kVCard);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 4u);

  const auto& amelie = b.entries[0];
  EXPECT_EQ(amelie.name, "Amélie Dupont");
  ASSERT_EQ(amelie.emails.size(), 1u);
  expect_email(amelie.emails[0], "amelie.dupont@example.fr", {"internet", "pref", "other"});
  ASSERT_EQ(amelie.phones.size(), 2u);
  expect_phone(amelie.phones[0], "+33 6 12 34 56 78", {"cell", "voice", "pref"});
  expect_phone(amelie.phones[1], "00 33 1 23 45 67 89", {"bureau paris"});

  // Folded at 75 octets between the two bytes of an "ö"; the PHOTO before it was one long folded line.
  const auto& max = b.entries[1];
  EXPECT_EQ(max.name, "Maximilian Alexander Freiherr von und zu Großschönböck-Österreich-Lötzsch");
  EXPECT_EQ(max.line, 71);
  ASSERT_EQ(max.phones.size(), 3u);
  expect_phone(max.phones[0], "+1 (415) 555-0132", {"cell", "voice", "pref"});
  expect_phone(max.phones[1], "555.0199", {"home"});
  expect_phone(max.phones[2], "+44 20 7946 0958 ext. 123", {"grandma"});
  ASSERT_EQ(max.emails.size(), 1u);
  expect_email(max.emails[0], "max@example.at", {"internet", "work"});

  // No FN: N as "Given Family".
  EXPECT_EQ(b.entries[2].name, "Yuki Tanaka");
  ASSERT_EQ(b.entries[2].phones.size(), 1u);
  expect_phone(b.entries[2].phones[0], "090-1234-5678", {"iphone", "cell", "voice"});

  // A company card: empty FN and N, so ORG.
  EXPECT_EQ(b.entries[3].name, "Pizzeria Da Michele");
  ASSERT_EQ(b.entries[3].phones.size(), 1u);
  expect_phone(b.entries[3].phones[0], "+39 081 553 9204", {"pref", "main"});
}

TEST(AddressBookVCard, OutlookExport21InWindows1252) {
  AddressBook b = read_ok(fixture("outlook_2.1_cp1252.vcf"));
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 4u);

  const auto& juergen = b.entries[0];
  EXPECT_EQ(juergen.name, "Jürgen Größer");
  ASSERT_EQ(juergen.phones.size(), 2u);
  expect_phone(juergen.phones[0], "+44 20 7946 0958 ext. 123", {"work", "voice"});
  expect_phone(juergen.phones[1], "0151 2345 6789", {"cell", "voice"});
  ASSERT_EQ(juergen.emails.size(), 1u);
  expect_email(juergen.emails[0], "j.groesser@example.de", {"pref", "internet"});

  // Quoted-printable windows-1252 without a CHARSET, and no FN.
  const auto& francois = b.entries[1];
  EXPECT_EQ(francois.name, "François Lefèvre");
  EXPECT_EQ(francois.line, 16);
  ASSERT_EQ(francois.phones.size(), 2u);
  expect_phone(francois.phones[0], "(030) 123 456-78", {"cell", "pref"});
  expect_phone(francois.phones[1], "555.0199", {"home"});

  EXPECT_EQ(b.entries[2].name, "José Peña");  // CHARSET=ISO-8859-1
  // „ “ – are windows-1252's own (0x84 0x93 0x96, C1 controls in ISO-8859-1).
  EXPECT_EQ(b.entries[3].name, "Café „Zum Löwen“ – Weinstube");
  EXPECT_EQ(b.entries[3].line, 30);
}

TEST(AddressBookVCard, FeaturePhoneShiftJisAndGb2312) {
  AddressBook b = read_ok(fixture("feature_phone_2.1_cjk.vcf"));
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 2u);
  // 表 is 0x95 0x5C in Shift_JIS: its second byte is not a backslash escape.
  EXPECT_EQ(b.entries[0].name, "太郎 表");
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  expect_phone(b.entries[0].phones[0], "090-1234-5678", {"cell"});
  ASSERT_EQ(b.entries[0].emails.size(), 1u);
  EXPECT_EQ(b.entries[0].emails[0].address, "omote@example.ne.jp");
  EXPECT_EQ(b.entries[1].name, "李娜");
  EXPECT_EQ(b.entries[1].line, 8);
}

TEST(AddressBookVCard, Version40TelUrisAndLowerCaseNames) {
  AddressBook b = read_ok(fixture("vcard_4.0.vcf"));
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 2u);
  const auto& zoe = b.entries[0];
  EXPECT_EQ(zoe.name, "Zoë Ångström");
  ASSERT_EQ(zoe.phones.size(), 2u);
  expect_phone(zoe.phones[0], "+1-555-555-0100", {"pref", "voice", "cell"});
  expect_phone(zoe.phones[1], "+1-555-555-0199", {"work", "voice"}, "102");
  ASSERT_EQ(zoe.emails.size(), 2u);
  expect_email(zoe.emails[0], "zoe@example.com", {"work"});
  expect_email(zoe.emails[1], "zoe.angstrom@example.org", {"pref"});

  const auto& ola = b.entries[1];
  EXPECT_EQ(ola.name, "Ola Nordmann");
  EXPECT_EQ(ola.line, 11);
  ASSERT_EQ(ola.phones.size(), 1u);
  expect_phone(ola.phones[0], "+44 20 7946 0958 ext. 123", {"home"});
  ASSERT_EQ(ola.emails.size(), 1u);
  expect_email(ola.emails[0], "ola@example.no", {"home"});
}

TEST(AddressBookVCard, MalformedCardsAreProblemsAndTheRestIsRead) {
  AddressBook b = read_ok(fixture("malformed.vcf"));
  ASSERT_EQ(b.entries.size(), 3u);
  EXPECT_EQ(b.entries[0].name, "Good One");
  EXPECT_EQ(b.entries[0].line, 1);
  EXPECT_EQ(b.entries[1].name, "Good Two");
  EXPECT_EQ(b.entries[1].line, 10);
  EXPECT_EQ(b.entries[2].name, "Good Three");
  EXPECT_EQ(b.entries[2].line, 31);
  ASSERT_EQ(b.entries[2].phones.size(), 1u);
  expect_phone(b.entries[2].phones[0], "0151 2345 6789", {"work"});

  struct Expected {
    int line;
    std::string says;
  };
  std::vector<Expected> expected = {
      {6, "no END:VCARD before the BEGIN:VCARD on line 10"},
      {15, "line 18: no ':'"},
      {20, "BEGIN:VCARD missing"},  // FN, TEL, END:VCARD without a BEGIN: one problem
      {23, "line 25: bad quoted-printable in FN"},
      {27, "line 29: unknown charset \"X-NO-SUCH-CHARSET\""},
      {36, "no END:VCARD before the end of the file"},
  };
  ASSERT_EQ(b.problems.size(), expected.size()) << problems_of(b);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(b.problems[i].line, expected[i].line) << problems_of(b);
    EXPECT_NE(b.problems[i].message.find(expected[i].says), std::string::npos) << b.problems[i].message;
  }
}

// ---- vCard details ---------------------------------------------------------

TEST(AddressBookVCard, BomBlankLinesCaseAndOldMacLineEnds) {
  std::string text =
      "\xEF\xBB\xBF\r\n\r\nbegin:vcard\rversion:3.0\rfn:Ada Lovelace\rtel;type=work:+44 20 7946 0958\rend:vcard\r"
      "BEGIN:VCARD\rFN:Second\rEND:VCARD";
  AddressBook b = read_ok(text);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.entries[0].name, "Ada Lovelace");
  EXPECT_EQ(b.entries[0].line, 3);
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  expect_phone(b.entries[0].phones[0], "+44 20 7946 0958", {"work"});
  EXPECT_EQ(b.entries[1].line, 8);
}

TEST(AddressBookVCard, FoldingWithSpaceOrTabAndEscapes) {
  std::string text =
      "BEGIN:VCARD\nVERSION:3.0\n"
      "FN:Smith\\, Jo\n\thn\n"
      "N:Doe\\;Smith;Jane;;;\n"
      "TEL;TYPE=CELL;TYPE=PREF:+1 (415)\n  555-0132\n"
      "EMAIL;TYPE=INTERNET,HOME:jane\\\\doe@example.com\n"
      "END:VCARD\n"
      "BEGIN:VCARD\nN:Doe\\;Smith;Jane;Q.;;\nEND:VCARD\n";
  AddressBook b = read_ok(text);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.entries[0].name, "Smith, John");
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  expect_phone(b.entries[0].phones[0], "+1 (415) 555-0132", {"cell", "pref"});
  ASSERT_EQ(b.entries[0].emails.size(), 1u);
  expect_email(b.entries[0].emails[0], "jane\\doe@example.com", {"internet", "home"});
  EXPECT_EQ(b.entries[1].name, "Jane Q. Doe;Smith");
}

TEST(AddressBookVCard, GroupLabelsApplyOnlyWithinTheirGroup) {
  std::string text =
      "BEGIN:VCARD\nVERSION:3.0\nFN:A\n"
      "item1.X-ABLabel:_$!<HomeFAX>!$_\n"
      "item1.TEL:111\nitem2.TEL:222\nTEL:333\n"
      "item2.X-ABLabel:Boat\n"
      "END:VCARD\n";
  AddressBook b = read_ok(text);
  ASSERT_EQ(b.entries.size(), 1u);
  ASSERT_EQ(b.entries[0].phones.size(), 3u);
  expect_phone(b.entries[0].phones[0], "111", {"home", "fax"});
  expect_phone(b.entries[0].phones[1], "222", {"boat"});
  expect_phone(b.entries[0].phones[2], "333", {});
}

TEST(AddressBookVCard, SoftBreakBeforeEndDoesNotSwallowIt) {
  std::string text =
      "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9=\r\nEND:VCARD\r\n"
      "BEGIN:VCARD\r\nFN:Next\r\nEND:VCARD\r\n";
  AddressBook b = read_ok(text);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.entries[0].name, "René");
  EXPECT_EQ(b.entries[1].name, "Next");
}

TEST(AddressBookVCard, InvalidUtf8WithoutCharsetIsWindows1252) {
  AddressBook b = read_ok("BEGIN:VCARD\nFN:Ren\xE9 Fran\xE7ois \x80\x93\nTEL;CELL:555\nEND:VCARD\n");
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].name, "René François €“");
}

TEST(AddressBookVCard, DeclaredCharsetWithInvalidBytesIsReplacedNotTrusted) {
  std::string text =
      "BEGIN:VCARD\nFN;CHARSET=UTF-8:Bad \xC3\x28 \xED\xA0\x80 end\nEND:VCARD\n"
      "BEGIN:VCARD\nFN;CHARSET=Shift_JIS:\x82\n\x20\nEND:VCARD\n";
  AddressBook b = read_ok(text);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.entries[0].name, "Bad \xEF\xBF\xBD( \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_EQ(b.entries[1].name, "\xEF\xBF\xBD");  // a lead byte with nothing after it
}

TEST(AddressBookVCard, Base64ValuesAndUnindentedBase64Photos) {
  std::string text =
      "BEGIN:VCARD\r\nVERSION:2.1\r\n"
      "FN;CHARSET=UTF-8;ENCODING=BASE64:SsO8cmdlbg==\r\n"
      "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n"
      "AAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDAwMDQ0QDBER\r\n"
      "EBEREhMSFBQUFBQUFBQUFBT/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAA==\r\n"
      "\r\n"
      "TEL;HOME:0151 2345 6789\r\n"
      "END:VCARD\r\n";
  AddressBook b = read_ok(text);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].name, "Jürgen");
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  expect_phone(b.entries[0].phones[0], "0151 2345 6789", {"home"});
}

TEST(AddressBookVCard, EmptyValuesAreNotNumbers) {
  AddressBook b = read_ok("BEGIN:VCARD\nFN:Only Name\nTEL;CELL:\nEMAIL: \nEND:VCARD\n");
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].name, "Only Name");
  EXPECT_TRUE(b.entries[0].phones.empty());
  EXPECT_TRUE(b.entries[0].emails.empty());
}

TEST(AddressBookVCard, TooManyValuesInOneCardIsAProblem) {
  AddressBookLimits limits;
  limits.max_values_per_entry = 3;
  std::string text =
      "BEGIN:VCARD\nFN:Many\nTEL:1\nTEL:2\nEMAIL:a@b\nTEL:4\nEND:VCARD\nBEGIN:VCARD\nFN:Few\nTEL:1\nEND:VCARD\n";
  AddressBook b = read_ok(text, limits);
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].name, "Few");
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].line, 1);
  EXPECT_NE(b.problems[0].message.find("more than 3"), std::string::npos) << b.problems[0].message;
}

TEST(AddressBookVCard, Utf16LeFileWithBom) {
  std::u16string text = u"BEGIN:VCARD\r\nFN:Łukasz Żółw\r\nTEL;CELL:+48 600 123 456\r\nEND:VCARD\r\n";
  std::string bytes = "\xFF\xFE";
  for (char16_t c : text) {
    bytes += static_cast<char>(c & 0xff);
    bytes += static_cast<char>(c >> 8);
  }
  AddressBook b = read_ok(bytes);
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].name, "Łukasz Żółw");
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  EXPECT_EQ(b.entries[0].phones[0].number, "+48 600 123 456");
}

// Folded lines are joined in linear time: 200,000 continuation lines, and a
// PHOTO of 8 MB that is skipped without being stored.
TEST(AddressBookVCard, LongFoldedValuesCostLinearTime) {
  std::string text = "BEGIN:VCARD\r\nFN:x";
  for (int i = 0; i < 200000; ++i) text += "\r\n ab";
  text += "\r\nPHOTO;ENCODING=b;TYPE=JPEG:";
  std::string photo_line(74, 'A');
  for (int i = 0; i < 110000; ++i) text += photo_line + "\r\n ";
  text += "AA==\r\nTEL:555.0199\r\nEND:VCARD\r\n";
  ASSERT_GT(text.size(), 8u << 20);
  auto start = std::chrono::steady_clock::now();
  AddressBook b = read_ok(text);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].name.size(), 1u + 2 * 200000);
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  EXPECT_EQ(b.entries[0].phones[0].number, "555.0199");
}

// ---- CSV files -------------------------------------------------------------

TEST(AddressBookCsv, GoogleExportOlderHeader) {
  AddressBook b = read_ok(fixture("google_contacts.csv"));
  EXPECT_EQ(b.format, AddressBookFormat::kGoogleCsv);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 4u);

  const auto& juergen = b.entries[0];
  EXPECT_EQ(juergen.name, "Jürgen Müller");
  EXPECT_EQ(juergen.line, 2);
  ASSERT_EQ(juergen.phones.size(), 3u);  // " ::: " holds two mobile numbers in one cell
  expect_phone(juergen.phones[0], "0151 2345 6789", {"cell"});
  expect_phone(juergen.phones[1], "+49 160 1234567", {"cell"});
  expect_phone(juergen.phones[2], "(030) 123 456-78", {"home"});
  ASSERT_EQ(juergen.emails.size(), 1u);
  expect_email(juergen.emails[0], "juergen@example.de", {"pref", "home"});

  const auto& anna = b.entries[1];
  EXPECT_EQ(anna.name, "Smith, Anna");  // a quoted field with a comma
  EXPECT_EQ(anna.line, 3);
  ASSERT_EQ(anna.emails.size(), 2u);
  expect_email(anna.emails[0], "anna.smith@example.com", {"work"});
  expect_email(anna.emails[1], "a.smith@example.org", {"work"});
  ASSERT_EQ(anna.phones.size(), 2u);
  expect_phone(anna.phones[0], "+1 (415) 555-0132", {"work", "fax"});
  expect_phone(anna.phones[1], "555.0199", {"google voice"});

  // Anna's notes and address held a newline each: the next record starts two lines later.
  const auto& pizzeria = b.entries[2];
  EXPECT_EQ(pizzeria.name, "Pizzeria Da Michele");
  EXPECT_EQ(pizzeria.line, 6);
  ASSERT_EQ(pizzeria.phones.size(), 1u);
  expect_phone(pizzeria.phones[0], "+39 081 553 9204", {"main"});

  const auto& yamada = b.entries[3];
  EXPECT_EQ(yamada.name, "山田 太郎");
  EXPECT_EQ(yamada.line, 7);
  ASSERT_EQ(yamada.phones.size(), 2u);
  expect_phone(yamada.phones[0], "00 33 1 23 45 67 89", {"other"});
  expect_phone(yamada.phones[1], "+44 20 7946 0958 ext. 123", {"work"});
}

TEST(AddressBookCsv, GoogleExportNewerHeader) {
  AddressBook b = read_ok(fixture("google_contacts_new.csv"));
  EXPECT_EQ(b.format, AddressBookFormat::kGoogleCsv);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 3u);
  const auto& amelie = b.entries[0];
  EXPECT_EQ(amelie.name, "Amélie Dupont");
  ASSERT_EQ(amelie.phones.size(), 2u);
  expect_phone(amelie.phones[0], "+33 6 12 34 56 78", {"cell"});
  expect_phone(amelie.phones[1], "00 33 1 23 45 67 89", {"home", "fax"});
  ASSERT_EQ(amelie.emails.size(), 1u);
  expect_email(amelie.emails[0], "amelie.dupont@example.fr", {"pref", "work"});

  EXPECT_EQ(b.entries[1].name, "Maria José García López");
  EXPECT_EQ(b.entries[1].line, 5);  // after a three-line address
  ASSERT_EQ(b.entries[1].phones.size(), 1u);
  expect_phone(b.entries[1].phones[0], "+34 612 34 56 78", {"grandma"});

  EXPECT_EQ(b.entries[2].name, "小明 王");
  ASSERT_EQ(b.entries[2].emails.size(), 1u);
  expect_email(b.entries[2].emails[0], "xiaoming@example.cn", {});
}

TEST(AddressBookCsv, OutlookExportWindows1252Crlf) {
  AddressBook b = read_ok(fixture("outlook_contacts.csv"));
  EXPECT_EQ(b.format, AddressBookFormat::kOutlookCsv);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 3u);

  const auto& juergen = b.entries[0];
  EXPECT_EQ(juergen.name, "Jürgen Größer");  // without the title "Hr."
  EXPECT_EQ(juergen.line, 2);
  ASSERT_EQ(juergen.phones.size(), 4u);
  expect_phone(juergen.phones[0], "+49 221 1234599", {"work", "fax"});
  expect_phone(juergen.phones[1], "+44 20 7946 0958 ext. 123", {"work"});
  expect_phone(juergen.phones[2], "(030) 123 456-78", {"home"});
  expect_phone(juergen.phones[3], "0151 2345 6789", {"cell"});
  ASSERT_EQ(juergen.emails.size(), 1u);  // "E-mail Display Name" is no address
  expect_email(juergen.emails[0], "j.groesser@example.de", {});

  const auto& francois = b.entries[1];
  EXPECT_EQ(francois.name, "François Marie Lefèvre");
  EXPECT_EQ(francois.line, 4);  // Jürgen's notes span two lines
  ASSERT_EQ(francois.phones.size(), 3u);
  expect_phone(francois.phones[0], "+33 1 23 45 67 89", {"work", "main"});
  expect_phone(francois.phones[1], "00 33 1 23 45 67 89", {"other"});
  expect_phone(francois.phones[2], "555.0199", {"pref"});
  ASSERT_EQ(francois.emails.size(), 2u);
  EXPECT_EQ(francois.emails[1].address, "francois@example.org");

  EXPECT_EQ(b.entries[2].name, "Müller, Schmidt & Partner");
  ASSERT_EQ(b.entries[2].phones.size(), 1u);
  expect_phone(b.entries[2].phones[0], "+1 (415) 555-0132", {"work"});
}

TEST(AddressBookCsv, OutlookExportUtf16LeWithBom) {
  AddressBook b = read_ok(fixture("outlook_contacts_utf16.csv"));
  EXPECT_EQ(b.format, AddressBookFormat::kOutlookCsv);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 3u);
  EXPECT_EQ(b.entries[0].name, "Γιώργος Παπαδόπουλος");
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  expect_phone(b.entries[0].phones[0], "+30 694 123 4567", {"cell"});
  const auto& dmitry = b.entries[1];
  EXPECT_EQ(dmitry.name, "Дмитрий Иванов");
  EXPECT_EQ(dmitry.line, 3);
  ASSERT_EQ(dmitry.phones.size(), 2u);
  expect_phone(dmitry.phones[0], "0151 2345 6789", {"home"});
  expect_phone(dmitry.phones[1], "+7 495 123-45-67", {"work"});
  ASSERT_EQ(dmitry.emails.size(), 2u);
  const auto& misaki = b.entries[2];
  EXPECT_EQ(misaki.name, "美咲 佐藤");
  ASSERT_EQ(misaki.phones.size(), 2u);
  expect_phone(misaki.phones[0], "090-8765-4321", {"car"});
  expect_phone(misaki.phones[1], "555.0199", {"pager"});
}

TEST(AddressBookCsv, ThunderbirdExportIsGenericCsvReadByColumnWords) {
  AddressBook b = read_ok(fixture("thunderbird.csv"));
  EXPECT_EQ(b.format, AddressBookFormat::kGenericCsv);
  EXPECT_TRUE(b.problems.empty()) << problems_of(b);
  ASSERT_EQ(b.entries.size(), 2u);
  const auto& oli = b.entries[0];
  EXPECT_EQ(oli.name, "Óli Sigurðsson");  // Display Name before First and Last Name
  ASSERT_EQ(oli.emails.size(), 1u);
  expect_email(oli.emails[0], "oli@example.is", {"pref"});
  ASSERT_EQ(oli.phones.size(), 3u);
  expect_phone(oli.phones[0], "+354 555 0199", {"work"});
  expect_phone(oli.phones[1], "+354 555 0100", {"fax"});
  expect_phone(oli.phones[2], "555.0199", {"cell"});
  EXPECT_EQ(b.entries[1].name, "Kim Lee");
  ASSERT_EQ(b.entries[1].emails.size(), 1u);
  EXPECT_EQ(b.entries[1].emails[0].address, "kim.lee@example.kr");
}

// ---- CSV details -----------------------------------------------------------

TEST(AddressBookCsv, ExcelSemicolonsWithSepLineAndWindows1252) {
  std::string text =
      "sep=;\r\nName;Telefon;E-Mail\r\n\"M\xFCller; Hans\";0151 2345 6789;hans@example.de\r\n"
      "Ren\xE9;\"(030) 123 456-78\";\r\n";
  AddressBook b = read_ok(text);
  EXPECT_EQ(b.format, AddressBookFormat::kGenericCsv);
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.entries[0].name, "Müller; Hans");
  EXPECT_EQ(b.entries[0].line, 3);
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  EXPECT_EQ(b.entries[0].phones[0].number, "0151 2345 6789");
  ASSERT_EQ(b.entries[0].emails.size(), 1u);
  EXPECT_EQ(b.entries[1].name, "René");
  EXPECT_EQ(b.entries[1].line, 4);
}

TEST(AddressBookCsv, BomTabsAndColumnsByName) {
  std::string text =
      "\xEF\xBB\xBF"
      "Full Name\tMobile\tWork Email\tE-mail Type\n"
      "Ann Lee\t555.0199\tann@example.com\tSMTP\n";
  AddressBook b = read_ok(text);
  EXPECT_EQ(b.format, AddressBookFormat::kGenericCsv);
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].name, "Ann Lee");
  ASSERT_EQ(b.entries[0].phones.size(), 1u);
  expect_phone(b.entries[0].phones[0], "555.0199", {"cell"});
  ASSERT_EQ(b.entries[0].emails.size(), 1u);
  expect_email(b.entries[0].emails[0], "ann@example.com", {"work"});
}

TEST(AddressBookCsv, ShortRecordsAreFilledLongOnesAreProblems) {
  std::string text =
      "Name,Phone,Email,Notes\n"
      "Short,555-0100\n"
      "Long,555-0101,a@example.com,note,extra\n"
      "\n"
      ",,,\n"
      "\"Multi\nLine\",555-0102,,\"x\ny\"\n"
      "Last,555-0103,,\n";
  AddressBook b = read_ok(text);
  ASSERT_EQ(b.entries.size(), 3u) << problems_of(b);
  EXPECT_EQ(b.entries[0].name, "Short");
  EXPECT_EQ(b.entries[0].line, 2);
  EXPECT_EQ(b.entries[1].name, "Multi Line");
  EXPECT_EQ(b.entries[1].line, 6);
  EXPECT_EQ(b.entries[2].name, "Last");
  EXPECT_EQ(b.entries[2].line, 9);
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].line, 3);
  EXPECT_NE(b.problems[0].message.find("5 fields"), std::string::npos) << b.problems[0].message;
}

TEST(AddressBookCsv, UnclosedQuoteIsAProblemAtItsRecord) {
  AddressBook b = read_ok("Name,Phone\nAnn,555\n\"Bob,556\nCy,557\n");
  ASSERT_EQ(b.entries.size(), 1u);
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].line, 3);
  EXPECT_NE(b.problems[0].message.find("not closed"), std::string::npos) << b.problems[0].message;
}

// ---- whole-file errors -----------------------------------------------------

TEST(AddressBookErrors, RandomBytesAreNotAnAddressBook) {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string bytes(4096, '\0');
  urandom.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_EQ(urandom.gcount(), 4096);
  expect_error(bytes, "not_an_address_book");
}

TEST(AddressBookErrors, PngAndTextWithoutContactsAreNotAddressBooks) {
  std::string png =
      "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xff"
      "a"s;
  ASSERT_EQ(png.size(), 33u);
  expect_error(png, "not_an_address_book");
  expect_error("", "not_an_address_book");
  expect_error("\n\n  \n", "not_an_address_book");
  expect_error("Dear Ann,\nthe phone bill is attached.\n", "not_an_address_book");
  expect_error("Name,Address\nBob,1 Main St\n", "not_an_address_book");
  expect_error("VERSION:3.0\nBEGIN:VCARD\nFN:x\nEND:VCARD\n", "not_an_address_book");
  expect_error("BEGIN:VCARD\nFN:A\0B\nEND:VCARD\n"s, "not_an_address_book");
}

TEST(AddressBookErrors, AHugeLabelOnAGroupOfNumbersStaysSmall) {
  // One 512 KiB label on a group of 85 numbers: each keeps a short type, not
  // a copy of the label.
  std::string text = "BEGIN:VCARD\nVERSION:3.0\nFN:Big\n";
  for (int i = 0; i < 85; ++i) text += "g.TEL:+1 212 555 " + std::to_string(1000 + i) + "\n";
  text += "g.X-ABLabel:" + std::string(1 << 19, 'x') + "\nEND:VCARD\n";
  AddressBook b = read_ok(text);
  ASSERT_EQ(b.entries.size(), 1u);
  ASSERT_EQ(b.entries[0].phones.size(), 85u);
  for (const auto& p : b.entries[0].phones) {
    ASSERT_EQ(p.types.size(), 1u);
    EXPECT_EQ(p.types[0], std::string(64, 'x'));
  }
}

TEST(AddressBookErrors, FileTooLarge) {
  std::string big = "BEGIN:VCARD\r\n" + std::string(20 << 20, 'a');
  expect_error(big, "file_too_large");
  AddressBookLimits limits;
  limits.max_bytes = 28;
  expect_error("BEGIN:VCARD\nFN:Ann\nEND:VCARD\n", "file_too_large", limits);       // 29 bytes
  EXPECT_EQ(read_ok("BEGIN:VCARD\nFN:Ann\nEND:VCARD", limits).entries.size(), 1u);  // 28
}

TEST(AddressBookErrors, TenThousandColumnsAreRefusedWithoutReadingThem) {
  std::string header = "Phone";
  for (int i = 1; i < 10000; ++i) header += ",Column number " + std::to_string(i);
  std::string text = header + "\n";
  std::string row(9999, ',');
  for (int i = 0; i < 200; ++i) text += "555" + row + "\n";
  auto start = std::chrono::steady_clock::now();
  expect_error(text, "too_many_columns");
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 0.5);

  std::string exactly = "Email";
  for (int i = 1; i < 1000; ++i) exactly += ",c";
  AddressBook b = read_ok(exactly + "\nann@example.com\n");
  ASSERT_EQ(b.entries.size(), 1u);
}

TEST(AddressBookErrors, TooManyEntries) {
  AddressBookLimits limits;
  limits.max_entries = 2;
  std::string card = "BEGIN:VCARD\nFN:A\nTEL:1\nEND:VCARD\n";
  read_ok(card + card, limits);
  expect_error(card + card + card, "too_many_entries", limits);
  // Skipped cards count too.
  expect_error(card + "BEGIN:VCARD\nbroken\nEND:VCARD\n" + card, "too_many_entries", limits);
  expect_error("Name,Phone\nA,1\nB,2\nC,3\n", "too_many_entries", limits);
}

TEST(AddressBookErrors, LineTooLong) {
  AddressBookLimits limits;
  limits.max_line_bytes = 64;
  std::string long_value(100, '5');
  expect_error("BEGIN:VCARD\nFN:A\nTEL:" + long_value + "\nEND:VCARD\n", "line_too_long", limits);
  // Folding does not get round it for a value that is kept...
  expect_error("BEGIN:VCARD\nFN:A\nTEL:" + long_value.substr(0, 50) + "\n " + long_value.substr(50) + "\nEND:VCARD\n",
               "line_too_long", limits);
  // ...but a skipped property may fold on as long as its lines are short.
  std::string photo = "BEGIN:VCARD\nPHOTO;ENCODING=b:";
  for (int i = 0; i < 100; ++i) photo += "QUFBQUFB\n ";
  read_ok(photo + "QQ==\nFN:A\nEND:VCARD\n", limits);
  expect_error("Name,Phone\nA," + long_value + "\n", "line_too_long", limits);
}

TEST(AddressBookFormatName, NamesEachFormat) {
  EXPECT_EQ(address_book_format_name(AddressBookFormat::kVCard), "vcard");
  EXPECT_EQ(address_book_format_name(AddressBookFormat::kGoogleCsv), "google_csv");
  EXPECT_EQ(address_book_format_name(AddressBookFormat::kOutlookCsv), "outlook_csv");
  EXPECT_EQ(address_book_format_name(AddressBookFormat::kGenericCsv), "csv");
}

}  // namespace
}  // namespace mc::contacts
