// The identifiers address books hold, phone numbers and e-mail addresses,
// brought to one spelling each, so that "0151 2345 6789" typed in Germany
// and "+49 151 23456789" from a SIM card match the same user. The
// normalised form goes into identifier_key(), and that key into the OPRF
// (contacts/oprf.hpp): two spellings that normalise differently never match.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mc::contacts {

enum class IdentifierKind { kPhone, kEmail };

// "phone", "email".
std::string_view identifier_kind_name(IdentifierKind k);
// The inverse of identifier_kind_name (exact, lower-case); nullopt otherwise.
std::optional<IdentifierKind> parse_identifier_kind(std::string_view name);

inline constexpr std::size_t kMaxPhoneInput = 64;
inline constexpr std::size_t kMaxEmail = 254;

// E.164, e.g. "+4930123456", by libphonenumber. `default_region` is an ISO
// 3166 alpha-2 code ("DE", any case) that national forms ("030 1234567") and
// international call prefixes ("0049 ...", "011 ...") are read in; it may be
// empty when the number starts with '+'. Extensions, spaces, dashes, dots,
// parentheses, "(0)" trunk prefixes, "tel:" and letters on a keypad
// ("1-800-FLOWERS") are handled as libphonenumber handles them.
// A number must be a possible full number for its country (libphonenumber's
// IS_POSSIBLE): lengths that only dial locally without an area code, such as
// "12" in Germany, are refused, as they name no one in particular.
// Errors, all kInvalidArgument:
//   "invalid_region"  `default_region` is not empty and not is_region_code
//   "invalid_phone"   more than kMaxPhoneInput bytes, not a number, an unknown
//                     country code after '+', or not a possible number
//   "region_required" a national number (no '+') and no `default_region`
Result<std::string> normalize_phone(std::string_view raw, std::string_view default_region);

// Trims ASCII whitespace, strips a "mailto:" prefix (any case), and
// lower-cases the ASCII letters of the whole address, local part included
// (leaving other UTF-8 as it is): RFC 5321 lets a mail host tell "Bob" from
// "bob", but few do, and a missed match costs more than a false one there.
// Requires exactly one '@', a non-empty local part, a domain of two or more
// non-empty labels of letters, digits, '-' or non-ASCII (no address
// literals, no "?subject=" from a mailto: link), well-formed UTF-8 without
// spaces or C0/C1 control characters, and at most kMaxEmail bytes.
// Error: kInvalidArgument "invalid_email".
Result<std::string> normalize_email(std::string_view raw);

// normalize_phone or normalize_email by `kind` (`default_region` is for phones).
Result<std::string> normalize_identifier(IdentifierKind kind, std::string_view raw, std::string_view default_region);

// True for a region libphonenumber has metadata for ("US", "DE", "CN"; any
// case); false for "ZZ" (unknown), "XX", "001" (non-geographic) and others.
bool is_region_code(std::string_view cc);

// What the OPRF hashes: "tel:" + E.164 or "mailto:" + address.
// REQUIRES: `normalised` comes from normalize_identifier for `kind`.
std::string identifier_key(IdentifierKind kind, std::string_view normalised);

}  // namespace mc::contacts
