#include "core/contacts/identifiers.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <set>
#include <utility>

namespace mc::contacts {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Threads: every call here goes through the one PhoneNumberUtil and only its
// const methods (Parse, IsPossibleNumberWithReason, Format,
// GetSupportedRegions); we never call SetLogger or another mutator. What we
// rely on, checked against Debian 12's libphonenumber 8.12.57 rather than
// documented for C++: GetInstance() creates the instance under pthread_once
// (base/memory/singleton_posix.h, the variant the library was built with: it
// imports pthread_once), the metadata is read-only after construction, and
// the one cache the const methods fill, RegExpCache, holds a mutex
// (regexp_cache.h). The Java original documents PhoneNumberUtil as
// thread-safe, and servers use the C++ port the same way.
const PhoneNumberUtil& phone_util() { return *PhoneNumberUtil::GetInstance(); }

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Error invalid_phone(std::string message) { return Error::invalid_argument("invalid_phone", std::move(message)); }

// Whether the number is written with a leading plus (ASCII or full-width
// U+FF0B, as libphonenumber accepts), before its first digit. libphonenumber
// answers INVALID_COUNTRY_CODE_ERROR both for "+999 ..." and for a national
// number without a region; only the second is the caller's to fix by naming one.
bool starts_with_plus(std::string_view raw) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '+' || raw.substr(i, 3) == "\xEF\xBC\x8B") return true;
    if (c >= '0' && c <= '9') return false;
  }
  return false;
}

std::string_view trim_ascii_space(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF) with no space and no C0 or C1 control character or DEL.
bool is_printable_utf8(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = byte(i);
    if (c <= 0x20 || c == 0x7f) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
      if (c == 0xc2) lo = 0xa0;  // U+0080..U+009F are the C1 controls
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return false;
    for (std::size_t k = 2; k < n; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return false;
    }
    i += n;
  }
  return true;
}

// Labels of letters, digits, '-' and non-ASCII (internationalised names as
// typed), none empty, at least two. Address literals ("[192.0.2.1]") are
// not accepted: no address book holds them, and they would not match the
// same mailbox spelled with its name anyway.
bool is_domain(std::string_view d) {
  if (d.empty() || d.front() == '.' || d.back() == '.' || d.find("..") != std::string_view::npos) return false;
  if (d.find('.') == std::string_view::npos) return false;
  for (char ch : d) {
    auto c = static_cast<unsigned char>(ch);
    bool ok =
        c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string_view identifier_kind_name(IdentifierKind k) {
  switch (k) {
    case IdentifierKind::kPhone:
      return "phone";
    case IdentifierKind::kEmail:
      return "email";
  }
  return "phone";
}

std::optional<IdentifierKind> parse_identifier_kind(std::string_view name) {
  if (name == "phone") return IdentifierKind::kPhone;
  if (name == "email") return IdentifierKind::kEmail;
  return std::nullopt;
}

bool is_region_code(std::string_view cc) {
  if (cc.size() != 2) return false;
  // Built once (a thread-safe static); GetSupportedRegions copies the set.
  static const std::set<std::string> kRegions = [] {
    std::set<std::string> regions;
    phone_util().GetSupportedRegions(&regions);
    return regions;
  }();
  return kRegions.count(upper_ascii(cc)) > 0;
}

Result<std::string> normalize_phone(std::string_view raw, std::string_view default_region) {
  std::string region = upper_ascii(default_region);
  if (!region.empty() && !is_region_code(region)) {
    return Error::invalid_argument("invalid_region", "\"" + std::string(default_region) +
                                                         "\" is not a region code (ISO 3166 alpha-2, e.g. \"DE\")");
  }
  if (raw.size() > kMaxPhoneInput) return invalid_phone("a phone number is at most 64 bytes");

  const PhoneNumberUtil& util = phone_util();
  PhoneNumber number;
  // "ZZ" is libphonenumber's unknown region: only "+..." numbers parse.
  auto parsed = util.Parse(std::string(raw), region.empty() ? "ZZ" : region, &number);
  switch (parsed) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      if (region.empty() && !starts_with_plus(raw)) {
        return Error::invalid_argument("region_required",
                                       "a national number needs a region to be read in (or write it with +)");
      }
      return invalid_phone("no such country calling code");
    case PhoneNumberUtil::TOO_LONG_NSN:
      return invalid_phone("too long for a phone number");
    case PhoneNumberUtil::TOO_SHORT_NSN:
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
      return invalid_phone("too short for a phone number");
    default:
      return invalid_phone("not a phone number");
  }

  switch (util.IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::IS_POSSIBLE:
      break;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      return invalid_phone("a local number: add the area code");
    case PhoneNumberUtil::TOO_SHORT:
      return invalid_phone("too short for a number of its country");
    case PhoneNumberUtil::TOO_LONG:
      return invalid_phone("too long for a number of its country");
    default:
      // IsPossibleNumber, not IsValidNumber: the metadata that says which
      // ranges are allocated ages with the library, and a number allocated
      // since must still match.
      return invalid_phone("not a possible number for its country");
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

Result<std::string> normalize_email(std::string_view raw) {
  auto bad = [](std::string message) { return Error::invalid_argument("invalid_email", std::move(message)); };
  std::string_view s = trim_ascii_space(raw);
  if (s.size() >= 7 && lower_ascii(s.substr(0, 7)) == "mailto:") s.remove_prefix(7);
  if (s.size() > kMaxEmail) return bad("an e-mail address is at most 254 bytes");
  if (!is_printable_utf8(s)) return bad("an e-mail address holds no spaces or control characters");
  auto at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) {
    return bad("an e-mail address has exactly one '@'");
  }
  if (at == 0) return bad("nothing before the '@'");
  if (!is_domain(s.substr(at + 1))) return bad("the part after the '@' is not a domain name like example.com");
  return lower_ascii(s);
}

Result<std::string> normalize_identifier(IdentifierKind kind, std::string_view raw, std::string_view default_region) {
  if (kind == IdentifierKind::kPhone) return normalize_phone(raw, default_region);
  return normalize_email(raw);
}

std::string identifier_key(IdentifierKind kind, std::string_view normalised) {
  return (kind == IdentifierKind::kPhone ? "tel:" : "mailto:") + std::string(normalised);
}

}  // namespace mc::contacts
