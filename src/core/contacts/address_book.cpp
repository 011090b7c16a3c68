// Reading an address book: which kind of file it is, then its reader
// (vcard_reader.cpp, csv_reader.cpp), over the shared parts
// (address_book_parts.hpp).
#include "core/contacts/address_book.hpp"

#include "core/contacts/address_book_parts.hpp"

namespace mc::contacts {

using namespace detail;

namespace {

// ---- the file ----------------------------------------------------------------

// Control bytes no text file holds (WHATWG's "binary data bytes"; ESC is
// allowed, ISO-2022-JP needs it), looked for in the first 4 KiB.
bool looks_binary(std::string_view text) {
  for (unsigned char c : text.substr(0, 4096)) {
    if (c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) return true;
  }
  return false;
}

bool starts_with_vcard(std::string_view text) {
  LineCursor lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (!trim(line).empty()) return iequals(trim(line), "BEGIN:VCARD");
  }
  return false;
}

}  // namespace

Result<AddressBook> read_address_book(std::string_view bytes, const AddressBookLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return Error::too_large("file_too_large", "the file is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  std::string converted;
  std::string_view text = bytes;
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    Utf8Decoder decoder;
    auto utf8 = decoder.labelled(text.substr(2), text[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE");
    if (!utf8) return Error::internal("this system's iconv cannot decode UTF-16");
    converted = std::move(*utf8);
    text = converted;
  }
  while (text.ends_with('\x1a')) text.remove_suffix(1);  // DOS end-of-file mark
  if (text.find('\0') != npos || looks_binary(text)) {
    return Error::invalid_argument("not_an_address_book", "the file holds binary data, not text");
  }
  AddressBook book;
  BookSink sink(book, limits);
  if (starts_with_vcard(text)) {
    book.format = AddressBookFormat::kVCard;
    MC_TRY_STATUS(detail::read_vcard(text, sink, limits));
    return book;
  }
  MC_TRY(book.format, detail::read_csv(text, sink, limits));
  return book;
}

std::string_view address_book_format_name(AddressBookFormat f) {
  switch (f) {
    case AddressBookFormat::kVCard:
      return "vcard";
    case AddressBookFormat::kGoogleCsv:
      return "google_csv";
    case AddressBookFormat::kOutlookCsv:
      return "outlook_csv";
    case AddressBookFormat::kGenericCsv:
      return "csv";
  }
  return "csv";
}

}  // namespace mc::contacts
