// An address book as people export one from their phone, mail program or
// web account: a vCard file (2.1, 3.0 or 4.0; Android, iOS/macOS, Outlook,
// Nokia, Google) or a CSV export (Google Contacts, Outlook, or any table
// whose columns say which hold names, phones and e-mail addresses). Reads
// the whole file's bytes into names, phone numbers and e-mail addresses,
// all UTF-8; nothing else of a contact is kept.
//
// Pure: no I/O, no global state. Time and memory are linear in the input,
// and every limit is checked while reading, so a hostile file costs no more
// than max_bytes of honest input.
//
// What a caller can rely on:
// - Every card (BEGIN:VCARD .. END:VCARD) or CSV record becomes either one
//   entry or one problem, in file order. A card with neither a phone nor an
//   e-mail address is still an entry (with empty lists): the caller decides
//   whether a name alone is worth keeping. A CSV record whose cells are all
//   empty, and blank lines, are skipped silently.
// - Names, numbers, addresses and types are valid UTF-8. A value with a
//   declared charset (vCard CHARSET=) is converted from it, invalid
//   sequences becoming U+FFFD; a value without one is UTF-8 if it is valid
//   UTF-8, else windows-1252 (what old Outlook and Nokia exports are).
// - Numbers are as written, trimmed: not normalised, extensions kept
//   ("+44 20 7946 0958 ext. 123"). A vCard 4.0 tel: URI loses "tel:" and
//   its parameters; an ";ext=" parameter goes to `extension`.
// - E-mail addresses are as written, trimmed, without "mailto:"; they are
//   not checked.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mc::contacts {

// Types are lower-case words. vCard TYPE values and bare 2.1 parameters are
// kept as written ("cell", "voice", "pref", "internet", "x-..."); labels are
// mapped to those words: Google's "Mobile" and "* Work" (the star marks the
// primary one: "pref"), Apple's "_$!<Mobile>!$_", Outlook's "Mobile Phone"
// column all give "cell"; "Home Fax" gives "home", "fax". A label of other
// words (a user's "Grandma") is kept as one type, in lower case.
struct AddressBookPhone {
  std::string number;  // as written, trimmed
  std::vector<std::string> types;
  std::string extension;  // only from a tel: URI's ";ext=" (a typed "ext. 123" stays in `number`)
};

struct AddressBookEmail {
  std::string address;  // trimmed, without "mailto:"
  std::vector<std::string> types;
};

struct AddressBookEntry {
  // vCard: FN; else N as "Given Additional Family" (the parts present);
  // else ORG's first part. CSV: a full-name column ("Name", "Display
  // Name"); else first, middle and last name; else the company. Control
  // characters and runs of white space become one space. May be empty.
  std::string name;
  std::vector<AddressBookPhone> phones;  // in file order
  std::vector<AddressBookEmail> emails;  // in file order
  int line = 0;                          // 1-based line where the card / CSV record starts
};

// A card or record that was skipped, and why ("line 14: no ':' in a
// property line"). `line` is where the card or record starts; for text
// outside any card, where that text starts.
struct AddressBookProblem {
  int line = 0;
  std::string message;
};

enum class AddressBookFormat { kVCard, kGoogleCsv, kOutlookCsv, kGenericCsv };

struct AddressBook {
  AddressBookFormat format = AddressBookFormat::kVCard;
  std::vector<AddressBookEntry> entries;
  std::vector<AddressBookProblem> problems;
};

struct AddressBookLimits {
  std::size_t max_bytes = 16 << 20;  // the whole file, as given
  // Entries and problems together: a file of 60,000 broken cards is refused too.
  std::size_t max_entries = 50000;
  std::size_t max_columns = 1000;  // of a CSV header
  // A physical line; and, unfolded, a vCard property that is read (FN, N,
  // ORG, TEL, EMAIL). A skipped one (a PHOTO) may fold on past it.
  std::size_t max_line_bytes = 1 << 20;
  // Phones and e-mail addresses of one card or record; more makes it a problem.
  std::size_t max_values_per_entry = 100;
};

// Reads a whole address book file.
//
// vCard when the first non-blank line (after an optional UTF-8 BOM) is
// BEGIN:VCARD, in any case. Otherwise CSV: the first non-blank record is the
// header, and it must name at least one phone or e-mail column. A UTF-16
// file (with its BOM, as Outlook may write) is converted first. The
// delimiter is the one of , ; and tab most frequent in the header line, or
// the one an Excel "sep=;" first line names.
//
// Errors, the whole file refused:
// - kTooLarge "file_too_large": more than limits.max_bytes.
// - kInvalidArgument "not_an_address_book": a NUL byte, or another binary
//   control byte in the first 4 KiB; or neither BEGIN:VCARD nor a CSV
//   header with a phone or e-mail column.
// - kTooLarge "too_many_columns": a CSV header of more than
//   limits.max_columns columns (found without reading past that column).
// - kTooLarge "too_many_entries": more than limits.max_entries entries and
//   problems.
// - kTooLarge "line_too_long": a line longer than limits.max_line_bytes.
Result<AddressBook> read_address_book(std::string_view bytes, const AddressBookLimits& limits = {});

// "vcard", "google_csv", "outlook_csv", "csv".
std::string_view address_book_format_name(AddressBookFormat f);

}  // namespace mc::contacts
