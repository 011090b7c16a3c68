// Internal to core/contacts/: the parts address_book.cpp is made of. The
// text helpers, charsets and the vCard type words (address_book_text.cpp),
// the book being filled and the line cursor (here), and the two readers
// (vcard_reader.cpp, csv_reader.cpp). Nothing outside this folder includes it.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/contacts/address_book.hpp"

namespace mc::contacts::detail {

inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
inline constexpr auto npos = std::string_view::npos;

// ---- text (address_book_text.cpp) ---------------------------------------------

bool is_blank(char c);
std::string_view trim(std::string_view s);
char lower_char(char c);
std::string lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
// Calls `f` with each piece of `s` between `sep`s that stand outside double
// quotes (vCard 4.0 quotes parameter values: TYPE="cell,voice").
template <class F>
void for_each_piece(std::string_view s, char sep, F f) {
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == sep && !quoted)) {
      f(s.substr(start, i - start));
      start = i + 1;
    } else if (s[i] == '"') {
      quoted = !quoted;
    }
  }
}
// A display name: control characters and runs of white space become one space.
std::string clean_name(std::string_view s);
// The non-empty parts, cleaned, joined by one space.
std::string join_names(std::initializer_list<std::string_view> parts);

// Converts values to UTF-8. glibc's iconv does the work; a descriptor is
// opened on a charset's first use and kept for the file, since a file of
// 50,000 cards names the same charset 50,000 times.
class Utf8Decoder {
 public:
  Utf8Decoder() = default;
  Utf8Decoder(const Utf8Decoder&) = delete;
  Utf8Decoder& operator=(const Utf8Decoder&) = delete;
  ~Utf8Decoder();

  // Bytes with no declared charset: UTF-8 if they are valid UTF-8, else
  // windows-1252 (the ANSI code page old Outlook and Nokia exports are in).
  std::string unlabelled(std::string_view bytes);

  // Bytes in the charset `label` names; invalid sequences become U+FFFD.
  // nullopt when this system knows no charset of that name.
  std::optional<std::string> labelled(std::string_view bytes, std::string_view label);

 private:
  using Descriptor = void*;  // an iconv_t: iconv.h stays in address_book_text.cpp
  Descriptor descriptor(const std::string& name);
  std::vector<std::pair<std::string, Descriptor>> open_;
};

// Quoted-printable (RFC 2045), its soft line breaks already joined; nullopt
// at an '=' without two hex digits after it.
std::optional<std::string> decode_quoted_printable(std::string_view s);
// Base64, white space and padding ignored; nullopt at any other character.
std::optional<std::string> decode_base64(std::string_view s);

// ---- types --------------------------------------------------------------------

// Adds a type (a word or a user's short label, lower-cased and capped).
void add_type(std::vector<std::string>& types, std::string_view type);
// The vCard types a word of a label or a column header stands for.
struct LabelWord {
  std::string_view word, type, second_type;
};
const LabelWord* label_word(std::string_view word);
void add_word_types(std::vector<std::string>& types, const LabelWord& w);
// A label's types: Google's "* Mobile", "Home Fax", Apple's "_$!<HomeFAX>!$_";
// a label of other words is the user's own and is kept as one type.
void add_label_types(std::vector<std::string>& types, std::string_view label);

// ---- the book being filled ------------------------------------------------------

// Entries and problems as they are read, with the limits that bound them
// checked at each addition.
class BookSink {
 public:
  BookSink(AddressBook& book, const AddressBookLimits& limits) : book_(book), limits_(limits) {}

  Status entry(AddressBookEntry e) {
    if (e.phones.size() + e.emails.size() > limits_.max_values_per_entry) {
      return problem(e.line, "more than " + std::to_string(limits_.max_values_per_entry) +
                                 " phone numbers and e-mail addresses in one contact");
    }
    MC_TRY_STATUS(room());
    book_.entries.push_back(std::move(e));
    return {};
  }

  Status problem(int line, std::string message) {
    MC_TRY_STATUS(room());
    book_.problems.push_back({line, std::move(message)});
    return {};
  }

  bool values_full(const AddressBookEntry& e) const {
    return e.phones.size() + e.emails.size() > limits_.max_values_per_entry;
  }

 private:
  Status room() const {
    if (book_.entries.size() + book_.problems.size() < limits_.max_entries) return {};
    return Error::too_large("too_many_entries",
                            "the file holds more than " + std::to_string(limits_.max_entries) + " contacts");
  }

  AddressBook& book_;
  const AddressBookLimits& limits_;
};

inline Error line_too_long(int line, std::size_t max) {
  return Error::too_large("line_too_long",
                          "line " + std::to_string(line) + " is longer than " + std::to_string(max) + " bytes");
}

// The physical lines of a text, each without its end: "\r\n", "\n" or a
// lone "\r" (old Macs), mixed as they come.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}

  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = std::min(text_.find_first_of("\r\n", pos_), text_.size());
    line = text_.substr(pos_, end - pos_);
    pos_ = end;
    if (pos_ < text_.size()) pos_ += text_.substr(pos_).starts_with("\r\n") ? 2 : 1;
    ++number_;
    return true;
  }
  int number() const { return number_; }  // of the line `next` gave last

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int number_ = 0;
};

// ---- the readers ----------------------------------------------------------------

// Reads the cards of a vCard file (vcard_reader.cpp).
Status read_vcard(std::string_view text, BookSink& sink, const AddressBookLimits& limits);
// Reads a CSV export (csv_reader.cpp): its header's format, then its records.
Result<AddressBookFormat> read_csv(std::string_view text, BookSink& sink, const AddressBookLimits& limits);

}  // namespace mc::contacts::detail
