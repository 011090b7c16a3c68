// The vCard reader (2.1, 3.0, 4.0): unfolding, quoted-printable, charsets,
// types and Apple's labels, a card at a time (address_book.hpp).
#include <algorithm>
#include <utility>

#include "core/contacts/address_book_parts.hpp"

namespace mc::contacts::detail {

namespace {

// ---- vCard -------------------------------------------------------------------

// "item1.TEL;TYPE=cell,voice;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE", read.
struct PropertyHead {
  std::string group;  // lower-case ("item1"); empty without one
  std::string name;   // upper-case ("TEL")
  std::vector<std::string> types;
  std::string charset;  // as written; empty without one
  bool quoted_printable = false;
  bool base64 = false;
};

PropertyHead parse_head(std::string_view head, Utf8Decoder& decoder) {
  PropertyHead h;
  bool first = true;
  for_each_piece(head, ';', [&](std::string_view piece) {
    piece = trim(piece);
    if (first) {
      first = false;
      auto dot = piece.find('.');
      if (dot != npos) h.group = lower(piece.substr(0, dot));
      h.name = std::string(piece.substr(dot == npos ? 0 : dot + 1));
      for (char& c : h.name) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
      return;
    }
    if (istarts_with(piece, "X-CUSTOM(") && piece.ends_with(')')) {
      // Android's own label: X-CUSTOM(CHARSET=UTF-8,ENCODING=QUOTED-PRINTABLE,=E5=A5=B6=E5=A5=B6),
      // the label after the last comma, encoded only when it is not plain ASCII.
      auto inner = piece.substr(9, piece.size() - 10);
      auto label = inner.substr(inner.rfind(',') + 1);
      auto decoded = decode_quoted_printable(label);
      add_label_types(h.types, decoder.unlabelled(decoded ? *decoded : label));
      return;
    }
    auto eq = piece.find('=');
    std::string_view key = eq == npos ? "" : trim(piece.substr(0, eq));
    std::string_view value = eq == npos ? piece : trim(piece.substr(eq + 1));
    // vCard 2.1 writes most parameters bare: TEL;CELL;PREF, ;QUOTED-PRINTABLE.
    if (key.empty() || iequals(key, "ENCODING")) {
      if (iequals(value, "QUOTED-PRINTABLE")) h.quoted_printable = true;
      else if (iequals(value, "BASE64") || iequals(value, "B")) h.base64 = true;
      else if (!key.empty() || iequals(value, "8BIT") || iequals(value, "7BIT")) return;
      else add_type(h.types, value);
    } else if (iequals(key, "TYPE")) {
      std::string list(value);
      std::erase(list, '"');
      for_each_piece(list, ',', [&](std::string_view t) { add_type(h.types, t); });
    } else if (iequals(key, "CHARSET")) {
      h.charset = std::string(value);
    } else if (iequals(key, "PREF")) {  // vCard 4.0: PREF=1
      add_type(h.types, "pref");
    }
  });
  return h;
}

// A text value's backslash escapes (RFC 6350 3.4): \n and \N a newline, \,
// \; \: \\ the character; any other backslash stays.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      bool known = n == 'n' || n == 'N' || n == ',' || n == ';' || n == ':' || n == '\\';
      if (known) {
        c = n == 'n' || n == 'N' ? '\n' : n;
        ++i;
      }
    }
    out += c;
  }
  return out;
}

// The first `count` components of a structured value (N, ORG), split at
// the ';'s no backslash escapes, unescaped; missing ones empty.
std::vector<std::string> components(std::string_view s, std::size_t count) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size() && out.size() < count; ++i) {
    if (i < s.size() && s[i] == '\\') {
      ++i;
    } else if (i == s.size() || s[i] == ';') {
      out.push_back(unescape(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.resize(count);
  return out;
}

bool is_base64_line(std::string_view line) {
  return !line.empty() && std::ranges::all_of(line, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '=';
  });
}

// Properties whose values are read; all others are skipped as they stream
// past, continuation lines and all (a PHOTO may be megabytes of base64).
bool kept_property(std::string_view name) {
  for (std::string_view k : {"BEGIN", "END", "FN", "N", "ORG", "TEL", "EMAIL", "X-ABLABEL"}) {
    if (name == k) return true;
  }
  return false;
}

class VCardReader {
 public:
  VCardReader(BookSink& sink, const AddressBookLimits& limits) : sink_(sink), limits_(limits) {}

  Status read(std::string_view text) {
    LineCursor lines(text);
    std::string_view line;
    while (lines.next(line)) {
      if (line.size() > limits_.max_line_bytes) return line_too_long(lines.number(), limits_.max_line_bytes);
      MC_TRY_STATUS(on_line(line, lines.number()));
    }
    MC_TRY_STATUS(finish_property());
    if (card_.open) {
      fail("no END:VCARD before the end of the file");
      return close_card();
    }
    return {};
  }

 private:
  // A property line being unfolded: its first physical line and the
  // continuations joined to it.
  struct Property {
    bool active = false;
    int line = 0;
    std::string text;             // head, ':', and the value if the property is kept
    std::size_t value_at = npos;  // where the value starts in `text`, once the ':' is seen
    std::size_t scanned = 0;      // how far `text` was searched for that ':'
    bool quoted = false;          // the search is inside a quoted parameter value
    PropertyHead head;
    bool kept = false;
    bool soft_break = false;  // quoted-printable whose last line ended in '='
  };

  struct Card {
    bool open = false;
    int line = 0;
    std::string problem;  // set: the card is skipped, read on to its END:VCARD
    std::string fn, n, org;
    AddressBookEntry entry;
    std::vector<std::string> phone_groups, email_groups;
    std::vector<std::pair<std::string, std::string>> labels;  // group, X-ABLabel
  };

  bool continues(std::string_view line) const {
    if (!property_.active) return false;
    if (property_.soft_break) {
      auto t = trim(line);
      return !iequals(t, "END:VCARD") && !iequals(t, "BEGIN:VCARD");
    }
    if (line.starts_with(' ') || line.starts_with('\t')) return true;
    // vCard 2.1 ends base64 with a blank line, and some writers do not
    // indent the lines before it.
    return property_.head.base64 && property_.value_at != npos && is_base64_line(line);
  }

  Status on_line(std::string_view line, int number) {
    if (continues(line)) {
      bool folded = !property_.soft_break && (line.starts_with(' ') || line.starts_with('\t'));
      return add_segment(folded ? line.substr(1) : line);
    }
    MC_TRY_STATUS(finish_property());
    auto t = trim(line);
    if (t.empty()) return {};
    property_ = Property{};
    property_.active = true;
    property_.line = number;
    return add_segment(line.substr(static_cast<std::size_t>(t.data() - line.data())));
  }

  // Joins one physical line's worth to the property. Only the head and
  // kept values are stored, each byte once (no quadratic re-joining of long
  // folded values).
  Status add_segment(std::string_view seg) {
    Property& p = property_;
    bool had_value = p.value_at != npos;
    std::string_view value_part = had_value ? seg : std::string_view();
    if (!had_value || p.kept) {
      p.text += seg;
      if (p.text.size() > limits_.max_line_bytes) return line_too_long(p.line, limits_.max_line_bytes);
    }
    if (!had_value) {
      for (; p.scanned < p.text.size() && p.value_at == npos; ++p.scanned) {
        char c = p.text[p.scanned];
        if (c == '"') p.quoted = !p.quoted;
        else if (c == ':' && !p.quoted) p.value_at = p.scanned + 1;
      }
      if (p.value_at == npos) return {};
      // Parameters are ASCII as written by every exporter, but a custom
      // label may not be: types must come out as UTF-8 too.
      p.head = parse_head(decoder_.unlabelled(std::string_view(p.text).substr(0, p.value_at - 1)), decoder_);
      p.kept = kept_property(p.head.name);
      // The ':' is in this segment (the search stopped at the end of the
      // last one), so the value so far is the segment's tail.
      value_part = seg.substr(seg.size() - (p.text.size() - p.value_at));
      if (!p.kept) p.text.resize(p.value_at);
    }
    p.soft_break = false;
    if (p.head.quoted_printable) {
      auto end = value_part.find_last_not_of(" \t");
      if (end != npos && value_part[end] == '=') {
        p.soft_break = true;
        if (p.kept) p.text.resize(p.text.size() - (value_part.size() - end));
      }
    }
    return {};
  }

  Status finish_property() {
    if (!property_.active) return {};
    property_.active = false;
    const Property& p = property_;
    if (p.value_at == npos) {
      if (!card_.open) return stray(p.line, "text outside a card (BEGIN:VCARD missing?)");
      fail("line " + std::to_string(p.line) + ": no ':' in a property line (a folded line without its leading space?)");
      return {};
    }
    std::string_view value = std::string_view(p.text).substr(p.value_at);
    const std::string& name = p.head.name;
    if (name == "BEGIN" && iequals(trim(value), "VCARD")) {
      if (card_.open) {
        fail("no END:VCARD before the BEGIN:VCARD on line " + std::to_string(p.line));
        MC_TRY_STATUS(close_card());
      }
      card_ = Card{};
      card_.open = true;
      card_.line = p.line;
      in_stray_text_ = false;
      return {};
    }
    if (!card_.open) {
      bool end = name == "END" && iequals(trim(value), "VCARD");
      return stray(p.line, end ? "END:VCARD without BEGIN:VCARD" : "text outside a card (BEGIN:VCARD missing?)");
    }
    if (name == "END" && iequals(trim(value), "VCARD")) return close_card();
    if (!card_.problem.empty() || !p.kept || name == "BEGIN" || name == "END") return {};
    auto text = decode_value(value);
    if (text) on_value(*text);
    return {};
  }

  // The value's text in UTF-8, escapes still in: decoded from
  // quoted-printable or base64, then from its charset. nullopt, the card
  // failed, when it cannot be.
  std::optional<std::string> decode_value(std::string_view raw) {
    const Property& p = property_;
    std::optional<std::string> bytes(raw);
    if (p.head.quoted_printable) bytes = decode_quoted_printable(raw);
    else if (p.head.base64) bytes = decode_base64(raw);
    if (!bytes) {
      fail(at_line() + "bad " + (p.head.base64 ? "base64" : "quoted-printable") + " in " + p.head.name);
      return std::nullopt;
    }
    if (p.head.charset.empty()) return decoder_.unlabelled(*bytes);
    auto text = decoder_.labelled(*bytes, p.head.charset);
    if (!text) {
      std::string shown = decoder_.unlabelled(std::string_view(p.head.charset).substr(0, 40));
      fail(at_line() + "unknown charset \"" + shown + "\" in " + p.head.name);
    }
    return text;
  }

  void on_value(const std::string& text) {
    const PropertyHead& h = property_.head;
    Card& c = card_;
    if (h.name == "FN") {
      if (c.fn.empty()) c.fn = clean_name(unescape(text));
    } else if (h.name == "N") {
      auto n = components(text, 3);  // family; given; additional
      if (c.n.empty()) c.n = join_names({n[1], n[2], n[0]});
    } else if (h.name == "ORG") {
      if (c.org.empty()) c.org = clean_name(components(text, 1)[0]);
    } else if (h.name == "X-ABLABEL") {
      if (!h.group.empty() && c.labels.size() < limits_.max_values_per_entry) {
        c.labels.emplace_back(h.group, unescape(text));
      }
    } else if (h.name == "TEL") {
      add_phone(text);
    } else if (h.name == "EMAIL") {
      std::string address(trim(unescape(text)));
      if (istarts_with(address, "mailto:")) address = std::string(trim(std::string_view(address).substr(7)));
      if (address.empty()) return;
      c.entry.emails.push_back({std::move(address), h.types});
      c.email_groups.push_back(h.group);
      check_values();
    }
  }

  // A number as written; a vCard 4.0 tel: URI without its scheme and its
  // parameters, ";ext=" kept apart.
  void add_phone(const std::string& text) {
    AddressBookPhone phone;
    std::string_view t = trim(text);
    if (istarts_with(t, "tel:")) {
      t = t.substr(4);
      auto semi = t.find(';');
      if (semi != npos) {
        for_each_piece(t.substr(semi + 1), ';', [&](std::string_view param) {
          if (istarts_with(param, "ext=")) phone.extension = std::string(trim(param.substr(4)));
        });
        t = t.substr(0, semi);
      }
      phone.number = std::string(trim(t));
    } else {
      phone.number = std::string(trim(unescape(t)));
    }
    if (phone.number.empty()) return;
    phone.types = property_.head.types;
    card_.entry.phones.push_back(std::move(phone));
    card_.phone_groups.push_back(property_.head.group);
    check_values();
  }

  void check_values() {
    if (sink_.values_full(card_.entry)) {
      fail("more than " + std::to_string(limits_.max_values_per_entry) +
           " phone numbers and e-mail addresses in one contact");
    }
  }

  std::string at_line() const { return "line " + std::to_string(property_.line) + ": "; }

  // The first thing wrong with the open card; it is skipped at its end.
  void fail(std::string message) {
    if (card_.problem.empty()) card_.problem = std::move(message);
    card_.entry = {};
    card_.phone_groups.clear();
    card_.email_groups.clear();
  }

  Status close_card() {
    card_.open = false;
    if (!card_.problem.empty()) return sink_.problem(card_.line, std::move(card_.problem));
    AddressBookEntry& e = card_.entry;
    e.line = card_.line;
    e.name = !card_.fn.empty() ? card_.fn : !card_.n.empty() ? card_.n : card_.org;
    // Apple puts a number's label on a property of its own, in the same group.
    for (const auto& [group, label] : card_.labels) {
      for (std::size_t i = 0; i < e.phones.size(); ++i) {
        if (card_.phone_groups[i] == group) add_label_types(e.phones[i].types, label);
      }
      for (std::size_t i = 0; i < e.emails.size(); ++i) {
        if (card_.email_groups[i] == group) add_label_types(e.emails[i].types, label);
      }
    }
    return sink_.entry(std::move(e));
  }

  // Lines outside any card: one problem for each run of them.
  Status stray(int line, std::string message) {
    if (in_stray_text_) return {};
    in_stray_text_ = true;
    return sink_.problem(line, std::move(message));
  }

  BookSink& sink_;
  const AddressBookLimits& limits_;
  Utf8Decoder decoder_;
  Property property_;
  Card card_;
  bool in_stray_text_ = false;
};

}  // namespace

Status read_vcard(std::string_view text, BookSink& sink, const AddressBookLimits& limits) {
  VCardReader reader(sink, limits);
  return reader.read(text);
}

}  // namespace mc::contacts::detail
