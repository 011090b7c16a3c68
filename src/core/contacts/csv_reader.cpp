// The CSV reader: RFC 4180 records, the column headers of Google Contacts,
// Outlook and other exports, a record at a time (address_book.hpp).
#include <algorithm>
#include <utility>

#include "core/contacts/address_book_parts.hpp"

namespace mc::contacts::detail {

namespace {

// ---- CSV ---------------------------------------------------------------------

// RFC 4180 records, one at a time, with the line each starts on. Lenient
// where exports are sloppy: a quote inside an unquoted field is a
// character, text after a closing quote is kept, blanks before an opening
// quote are dropped.
class CsvCursor {
 public:
  CsvCursor(std::string_view text, char delimiter, std::size_t max_line_bytes)
      : text_(text), delimiter_(delimiter), max_line_bytes_(max_line_bytes) {}

  enum class Outcome { kRecord, kEnd, kUnclosedQuote };

  // Reads the next record: its first `max_fields` fields into `fields`, and
  // how many it had into `count`. With `stop_past_max`, stops reading once
  // there are more than `max_fields`, so a 10,000-column header costs no
  // more than max_fields + 1 columns.
  Result<Outcome> next(std::vector<std::string>& fields, std::size_t& count, std::size_t max_fields,
                       bool stop_past_max) {
    fields.clear();
    count = 0;
    if (pos_ >= text_.size()) return Outcome::kEnd;
    start_line_ = line_;
    const std::size_t n = text_.size();
    while (true) {
      ++count;
      if (count > max_fields && stop_past_max) return Outcome::kRecord;
      std::string* field = count <= max_fields ? &fields.emplace_back() : nullptr;
      std::size_t q = pos_;
      while (q < n && (text_[q] == ' ' || text_[q] == '\t')) ++q;
      if (q < n && text_[q] == '"') {
        pos_ = q + 1;
        while (true) {
          MC_TRY(std::size_t end, run_end("\"\r\n"));
          if (field) field->append(text_.substr(pos_, end - pos_));
          pos_ = end;
          if (pos_ >= n) return Outcome::kUnclosedQuote;
          if (text_[pos_] == '"') {
            if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
              if (field) *field += '"';
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          MC_TRY_STATUS(line_end());
          if (field) *field += '\n';
        }
      }
      const char stops[] = {delimiter_, '\r', '\n', '\0'};
      MC_TRY(std::size_t end, run_end(stops));
      if (field) field->append(text_.substr(pos_, end - pos_));
      pos_ = end;
      if (pos_ < n && text_[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      if (pos_ < n) MC_TRY_STATUS(line_end());
      return Outcome::kRecord;
    }
  }

  int start_line() const { return start_line_; }  // of the record `next` read last

 private:
  // Where the run from pos_ to the first of `stops` (or the end) ends;
  // line_too_long if the line gets too long on the way.
  Result<std::size_t> run_end(const char* stops) const {
    std::size_t end = std::min(text_.find_first_of(stops, pos_), text_.size());
    if (end - line_start_ > max_line_bytes_) return line_too_long(line_, max_line_bytes_);
    return end;
  }

  // Steps over the line end at pos_.
  Status line_end() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
    line_start_ = pos_;
    return {};
  }

  std::string_view text_;
  char delimiter_;
  std::size_t max_line_bytes_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  int start_line_ = 1;
};

// The name columns come first, kFullName to kCompany: entry_of keeps their cells by Column.
enum class Column { kIgnored, kFullName, kGiven, kMiddle, kFamily, kCompany, kPhone, kEmail, kPhoneLabel, kEmailLabel };
constexpr std::size_t kNameKinds = static_cast<std::size_t>(Column::kCompany) + 1;

struct ColumnRole {
  Column kind = Column::kIgnored;
  std::vector<std::string> types;
  int slot = 0;                     // Google's "Phone 2 - Value": 2
  std::size_t label_column = npos;  // the column holding this value's label
  bool outlook = false;             // a column only Outlook names so
  bool google = false;              // a "Phone N - Value" column
};

// Columns that exports name exactly, in lower case.
struct KnownColumn {
  std::string_view header;
  Column kind;
  std::string_view type, second_type;
  bool outlook = false;
};
constexpr KnownColumn kKnownColumns[] = {
    {"name", Column::kFullName, "", ""},
    {"full name", Column::kFullName, "", ""},
    {"display name", Column::kFullName, "", ""},
    {"given name", Column::kGiven, "", ""},
    {"first name", Column::kGiven, "", ""},
    {"additional name", Column::kMiddle, "", ""},
    {"middle name", Column::kMiddle, "", ""},
    {"family name", Column::kFamily, "", ""},
    {"last name", Column::kFamily, "", ""},
    {"surname", Column::kFamily, "", ""},
    {"company", Column::kCompany, "", ""},
    {"organization", Column::kCompany, "", ""},
    {"organization name", Column::kCompany, "", ""},
    {"organization 1 - name", Column::kCompany, "", ""},
    {"e-mail address", Column::kEmail, "", "", true},
    {"e-mail 2 address", Column::kEmail, "", "", true},
    {"e-mail 3 address", Column::kEmail, "", "", true},
    {"business phone", Column::kPhone, "work", "", true},
    {"business phone 2", Column::kPhone, "work", "", true},
    {"mobile phone", Column::kPhone, "cell", "", true},
    {"home phone", Column::kPhone, "home", ""},
    {"home phone 2", Column::kPhone, "home", ""},
    {"other phone", Column::kPhone, "other", ""},
    {"primary phone", Column::kPhone, "pref", ""},
    {"company main phone", Column::kPhone, "work", "main", true},
    {"assistant's phone", Column::kPhone, "assistant", "", true},
    {"business fax", Column::kPhone, "work", "fax", true},
    {"home fax", Column::kPhone, "home", "fax"},
    {"other fax", Column::kPhone, "other", "fax"},
    {"car phone", Column::kPhone, "car", ""},
    {"callback", Column::kPhone, "callback", "", true},
    {"radio phone", Column::kPhone, "radio", "", true},
    {"tty/tdd phone", Column::kPhone, "textphone", "", true},
    {"isdn", Column::kPhone, "isdn", ""},
    {"telex", Column::kPhone, "telex", ""},
    {"pager", Column::kPhone, "pager", ""},
};

// Google's "Phone 1 - Value", "E-mail 2 - Type" (older) and "- Label" (newer).
std::optional<ColumnRole> google_column(std::string_view key) {
  bool phone = key.starts_with("phone ");
  bool email = key.starts_with("e-mail ");
  if (!phone && !email) return std::nullopt;
  key.remove_prefix(phone ? 6 : 7);
  int slot = 0;
  std::size_t i = 0;
  for (; i < key.size() && i < 4 && key[i] >= '0' && key[i] <= '9'; ++i) slot = slot * 10 + (key[i] - '0');
  if (i == 0) return std::nullopt;
  key.remove_prefix(i);
  ColumnRole role;
  role.slot = slot;
  if (key == " - value") {
    role.kind = phone ? Column::kPhone : Column::kEmail;
    role.google = true;
  } else if (key == " - type" || key == " - label") {
    role.kind = phone ? Column::kPhoneLabel : Column::kEmailLabel;
  } else {
    return std::nullopt;
  }
  return role;
}

// A column no export names exactly, read by its words: "Work Phone",
// "Mobile Number", "Primary Email", "E-Mail-Adresse". "E-mail Type" or
// "E-mail Display Name" hold no addresses.
ColumnRole generic_column(std::string_view key) {
  std::string k(key);
  std::erase(k, '-');  // "e-mail" is "email"
  // Words: runs of letters, digits and non-ASCII bytes.
  for (char& c : k) {
    bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
    if (!word) c = ' ';
  }
  bool phone = false, email = false, other = false;
  ColumnRole role;
  for_each_piece(k, ' ', [&](std::string_view w) {
    if (w.empty()) return;
    for (std::string_view p : {"phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "pager", "telefon",
                               "mobiltelefon", "handy", "phonenumber", "mobilephone"}) {
      phone = phone || w == p;
    }
    for (std::string_view e : {"email", "mail", "emailaddress", "emailadresse"}) email = email || w == e;
    for (std::string_view o : {"type", "label", "display", "name", "kind"}) other = other || w == o;
    if (const LabelWord* t = label_word(w)) add_word_types(role.types, *t);
  });
  role.kind = other ? Column::kIgnored : email ? Column::kEmail : phone ? Column::kPhone : Column::kIgnored;
  if (role.kind == Column::kIgnored) role.types.clear();
  return role;
}

ColumnRole column_role(std::string_view header) {
  std::string key = lower(trim(header));
  for (const auto& c : kKnownColumns) {
    if (key != c.header) continue;
    ColumnRole role;
    role.kind = c.kind;
    role.outlook = c.outlook;
    add_type(role.types, c.type);
    add_type(role.types, c.second_type);
    return role;
  }
  if (auto g = google_column(key)) return *g;
  return generic_column(key);
}

// The delimiter: what an Excel "sep=;" line names (the line is then
// skipped), else the most frequent of , ; and tab outside quotes in the
// first line (its first 64 KiB), a comma on a tie.
char choose_delimiter(std::string_view& text) {
  LineCursor lines(text);
  std::string_view first;
  while (lines.next(first) && trim(first).empty()) {
  }
  auto t = trim(first);
  if (t.size() == 5 && istarts_with(t, "sep=") && (t[4] == ',' || t[4] == ';' || t[4] == '|')) {
    // Only the line's text goes: its end stays, so line numbers stay right.
    text.remove_prefix(static_cast<std::size_t>(t.data() + t.size() - text.data()));
    return t[4];
  }
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (char c : first.substr(0, 64 << 10)) {
    if (c == '"') quoted = !quoted;
    else if (quoted) continue;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

bool all_blank(const std::vector<std::string>& fields) {
  return std::ranges::all_of(fields, [](const std::string& f) { return trim(f).empty(); });
}

class CsvReader {
 public:
  CsvReader(BookSink& sink, const AddressBookLimits& limits) : sink_(sink), limits_(limits) {}

  // Reads the header; not_an_address_book if it names no phone or e-mail column.
  Result<AddressBookFormat> read_header(std::string_view text) {
    char delimiter = choose_delimiter(text);
    cursor_.emplace(text, delimiter, limits_.max_line_bytes);
    std::vector<std::string> header;
    std::size_t count = 0;
    do {
      MC_TRY(auto outcome, cursor_->next(header, count, limits_.max_columns, true));
      if (count > limits_.max_columns) {
        return Error::too_large("too_many_columns",
                                "the header has more than " + std::to_string(limits_.max_columns) + " columns");
      }
      if (outcome != CsvCursor::Outcome::kRecord) return not_a_book();
    } while (all_blank(header));
    bool google = false, outlook = false, values = false;
    for (const auto& h : header) {
      ColumnRole& r = roles_.emplace_back(column_role(decoder_.unlabelled(h)));
      google = google || r.google;
      outlook = outlook || r.outlook;
      values = values || r.kind == Column::kPhone || r.kind == Column::kEmail;
    }
    if (!values) return not_a_book();
    link_labels();
    return google    ? AddressBookFormat::kGoogleCsv
           : outlook ? AddressBookFormat::kOutlookCsv
                     : AddressBookFormat::kGenericCsv;
  }

  Status read_records() {
    std::vector<std::string> fields;
    std::size_t count = 0;
    while (true) {
      MC_TRY(auto outcome, cursor_->next(fields, count, roles_.size(), false));
      int line = cursor_->start_line();
      if (outcome == CsvCursor::Outcome::kEnd) return {};
      if (outcome == CsvCursor::Outcome::kUnclosedQuote) {
        return sink_.problem(line, "a quoted field opened in this record is not closed before the end of the file");
      }
      if (count > roles_.size()) {
        MC_TRY_STATUS(sink_.problem(line, "the record has " + std::to_string(count) + " fields; the header has " +
                                              std::to_string(roles_.size())));
        continue;
      }
      if (all_blank(fields)) continue;
      MC_TRY_STATUS(sink_.entry(entry_of(fields, line)));
    }
  }

 private:
  static Error not_a_book() {
    return Error::invalid_argument("not_an_address_book",
                                   "neither a vCard file nor a CSV file with a phone or e-mail column");
  }

  // Google pairs "Phone 2 - Value" with "Phone 2 - Type".
  void link_labels() {
    for (auto& r : roles_) {
      if (r.slot == 0 || (r.kind != Column::kPhone && r.kind != Column::kEmail)) continue;
      Column label = r.kind == Column::kPhone ? Column::kPhoneLabel : Column::kEmailLabel;
      for (std::size_t i = 0; i < roles_.size(); ++i) {
        if (roles_[i].kind == label && roles_[i].slot == r.slot) r.label_column = i;
      }
    }
  }

  AddressBookEntry entry_of(const std::vector<std::string>& fields, int line) {
    AddressBookEntry e;
    e.line = line;
    std::string names[kNameKinds];  // the first non-empty cell of each name Column
    for (std::size_t i = 0; i < fields.size() && !sink_.values_full(e); ++i) {
      const ColumnRole& r = roles_[i];
      std::string_view cell = trim(fields[i]);
      if (cell.empty() || r.kind == Column::kIgnored) continue;
      auto kind = static_cast<std::size_t>(r.kind);
      if (kind < kNameKinds) {
        if (names[kind].empty()) names[kind] = decoder_.unlabelled(cell);
        continue;
      }
      if (r.kind != Column::kPhone && r.kind != Column::kEmail) continue;
      std::vector<std::string> types = r.types;
      if (r.label_column < fields.size()) add_label_types(types, decoder_.unlabelled(fields[r.label_column]));
      // Google puts a contact's second mobile number in the same cell: "a ::: b".
      for (std::size_t start = 0; start <= cell.size() && !sink_.values_full(e);) {
        auto sep = std::min(cell.find(" ::: ", start), cell.size());
        std::string value = decoder_.unlabelled(trim(cell.substr(start, sep - start)));
        start = sep + 5;
        if (value.empty()) continue;
        if (r.kind == Column::kPhone) e.phones.push_back({std::move(value), types, {}});
        else e.emails.push_back({std::move(value), types});
      }
    }
    auto at = [&](Column c) -> std::string_view { return names[static_cast<std::size_t>(c)]; };
    e.name = clean_name(at(Column::kFullName));
    if (e.name.empty()) e.name = join_names({at(Column::kGiven), at(Column::kMiddle), at(Column::kFamily)});
    if (e.name.empty()) e.name = clean_name(at(Column::kCompany));
    return e;
  }

  BookSink& sink_;
  const AddressBookLimits& limits_;
  Utf8Decoder decoder_;
  std::optional<CsvCursor> cursor_;
  std::vector<ColumnRole> roles_;
};

}  // namespace

Result<AddressBookFormat> read_csv(std::string_view text, BookSink& sink, const AddressBookLimits& limits) {
  CsvReader reader(sink, limits);
  MC_TRY(auto format, reader.read_header(text));
  MC_TRY_STATUS(reader.read_records());
  return format;
}

}  // namespace mc::contacts::detail
