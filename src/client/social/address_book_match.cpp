#include "client/social/address_book_match.hpp"

#include <sodium.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "core/contacts/identifiers.hpp"
#include "core/contacts/oprf.hpp"
#include "core/durable_file.hpp"
#include "core/sha256.hpp"

namespace mc::client {

namespace json = boost::json;
namespace oprf = contacts::oprf;

namespace {

constexpr std::size_t kBatch = 500;                // points per evaluation request
constexpr std::size_t kMaxFile = 16u << 20;        // the reader's limit
constexpr std::size_t kMaxLocalState = 32u << 20;  // contacts.json
constexpr const char* kStateFile = "contacts.json";

// What this terminal keeps: per network ID the address book's names, and
// per identifier (by its SHA-256, never the identifier) the tag evaluated
// for it, so that a re-import asks the server only about new ones.
struct LocalState {
  std::map<std::string, std::vector<std::string>> names;  // network ID -> names
  std::map<std::string, std::string> tags;                // sha256(identifier key) -> tag (base64url)
};

std::string state_path(const std::string& home) { return (std::filesystem::path(home) / kStateFile).string(); }

LocalState load_state(const std::string& home) {
  LocalState s;
  auto text = read_small_file(state_path(home), kMaxLocalState);
  if (!text) return s;  // none yet, or unreadable: it is a cache
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_object()) return s;
  if (const auto* n = v.as_object().if_contains("names"); n && n->is_object()) {
    for (const auto& [id, list] : n->as_object()) {
      if (!list.is_array()) continue;
      for (const auto& name : list.as_array()) {
        if (name.is_string()) s.names[std::string(id)].emplace_back(name.as_string());
      }
    }
  }
  if (const auto* t = v.as_object().if_contains("tags"); t && t->is_object()) {
    for (const auto& [k, tag] : t->as_object()) {
      if (tag.is_string()) s.tags[std::string(k)] = std::string(tag.as_string());
    }
  }
  return s;
}

Status save_state(const std::string& home, const LocalState& s) {
  json::object names, tags;
  for (const auto& [id, list] : s.names) names[id] = json::value_from(list);
  for (const auto& [k, tag] : s.tags) tags[k] = tag;
  MC_TRY_STATUS(make_dirs_durably(home, 0700));
  return write_file_durably(state_path(home), json::serialize(json::object{{"names", names}, {"tags", tags}}), 0600);
}

Result<json::array> array_field(const json::value& v, std::string_view name) {
  const auto* a = v.is_object() ? v.as_object().if_contains(name) : nullptr;
  if (!a || !a->is_array()) {
    return Error{ErrorKind::kInternal, "unexpected_answer",
                 "unexpected answer from the server: no '" + std::string(name) + "' list"};
  }
  return a->as_array();
}

// Tags (base64url) for identifier keys, blinded in batches and unblinded
// here. Each batch's tags are kept in `state` and saved at once: an import
// stopped by the server's daily limit goes on tomorrow where it stopped.
Result<std::map<std::string, std::string>> evaluate(Connection& conn, const std::vector<std::string>& keys,
                                                    LocalState& state, const std::string& home) {
  std::map<std::string, std::string> out;
  for (std::size_t at = 0; at < keys.size(); at += kBatch) {
    std::size_t n = std::min(kBatch, keys.size() - at);
    std::vector<oprf::Blinded> blinded;
    json::array points;
    for (std::size_t i = 0; i < n; ++i) {
      blinded.push_back(oprf::blind(keys[at + i]));
      points.emplace_back(oprf::encode(blinded.back().point));
    }
    json::value body = {{"points", std::move(points)}};
    auto answer = conn.call("POST", "/v1/contacts/evaluate", &body);
    if (!answer) {
      for (auto& b : blinded) sodium_memzero(b.blind.data(), b.blind.size());
      return answer.error();
    }
    MC_TRY(auto evaluated, array_field(*answer, "points"));
    if (evaluated.size() != n) {
      return Error{ErrorKind::kInternal, "unexpected_answer", "the server evaluated a different number of points"};
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!evaluated[i].is_string()) return Error{ErrorKind::kInternal, "unexpected_answer", "a point is no string"};
      MC_TRY(auto e, oprf::decode_point(evaluated[i].as_string()));
      MC_TRY(auto unblinded, oprf::unblind(blinded[i].blind, e));
      sodium_memzero(blinded[i].blind.data(), blinded[i].blind.size());
      out[keys[at + i]] = oprf::encode_tag(oprf::tag(keys[at + i], unblinded));
      state.tags[sha256_hex(keys[at + i])] = out[keys[at + i]];
    }
    MC_TRY_STATUS(save_state(home, state));
  }
  return out;
}

}  // namespace

Result<ImportReport> import_address_book(Connection& conn, const std::string& path, const std::string& region,
                                         const std::string& home) {
  if (!region.empty() && !contacts::is_region_code(region)) {
    return Error::invalid_argument("invalid_region",
                                   "'" + region + "' is no region code (ISO 3166 alpha-2, such as DE or US)");
  }
  MC_TRY(auto bytes, read_small_file(path, kMaxFile + 1));
  MC_TRY(auto book, contacts::read_address_book(bytes));
  ImportReport report;
  report.format = std::string(contacts::address_book_format_name(book.format));
  report.entries = book.entries.size();
  report.problems = book.problems;

  // Identifier key -> the names the address book gives it.
  std::map<std::string, std::set<std::string>> names_of;
  for (const auto& e : book.entries) {
    std::string name = e.name.empty() ? "(no name)" : e.name;
    for (const auto& p : e.phones) {
      auto n = contacts::normalize_phone(p.number, region);
      if (!n) {
        report.problems.push_back({e.line, "'" + p.number + "' of " + name + ": " + n.error().message});
        continue;
      }
      names_of[contacts::identifier_key(contacts::IdentifierKind::kPhone, *n)].insert(name);
    }
    for (const auto& m : e.emails) {
      auto n = contacts::normalize_email(m.address);
      if (!n) {
        report.problems.push_back({e.line, "'" + m.address + "' of " + name + ": " + n.error().message});
        continue;
      }
      names_of[contacts::identifier_key(contacts::IdentifierKind::kEmail, *n)].insert(name);
    }
  }
  report.identifiers = names_of.size();

  LocalState state = load_state(home);
  std::map<std::string, std::string> tag_of;  // identifier key -> tag
  std::vector<std::string> unknown;
  for (const auto& [key, names] : names_of) {
    auto cached = state.tags.find(sha256_hex(key));
    if (cached != state.tags.end()) tag_of[key] = cached->second;
    else unknown.push_back(key);
  }
  MC_TRY(auto fresh, evaluate(conn, unknown, state, home));
  report.evaluated = unknown.size();
  for (const auto& [key, tag] : fresh) tag_of[key] = tag;

  MC_TRY(auto dir_answer, conn.call("GET", "/v1/contacts/directory"));
  MC_TRY(auto directory, array_field(dir_answer, "entries"));
  std::set<std::string> listed;
  for (const auto& t : directory) {
    if (t.is_string()) listed.emplace(t.as_string());
  }
  std::map<std::string, std::set<std::string>> names_of_tag;
  for (const auto& [key, tag] : tag_of) {
    auto raw = oprf::decode_tag(tag);
    if (!raw) continue;  // a cache entry gone bad: it matches nothing
    if (listed.count(oprf::encode_tag(oprf::directory_entry(*raw)))) {
      names_of_tag[tag].insert(names_of[key].begin(), names_of[key].end());
    }
  }
  json::array matched_tags;
  for (const auto& [tag, names] : names_of_tag) matched_tags.emplace_back(tag);
  json::value body = {{"tags", std::move(matched_tags)}};
  MC_TRY(auto answer, conn.call("PUT", "/v1/contacts", &body));
  MC_TRY(auto matched, array_field(answer, "matched"));
  state.names.clear();
  std::map<std::string, ContactMatch> by_id;
  for (const auto& m : matched) {
    if (!m.is_object()) continue;
    const auto& o = m.as_object();
    auto str = [&](const char* k) {
      const auto* v = o.if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    ContactMatch& c = by_id[str("network_id")];
    c.network_id = str("network_id");
    c.display_name = str("display_name");
    const auto& names = names_of_tag[str("tag")];
    c.names.insert(c.names.end(), names.begin(), names.end());
  }
  for (auto& [id, c] : by_id) {
    std::sort(c.names.begin(), c.names.end());
    c.names.erase(std::unique(c.names.begin(), c.names.end()), c.names.end());
    state.names[id] = c.names;
    report.matches.push_back(c);
  }
  MC_TRY_STATUS(save_state(home, state));
  return report;
}

Result<std::vector<ContactMatch>> list_contacts(Connection& conn, const std::string& home) {
  MC_TRY(auto answer, conn.call("GET", "/v1/contacts"));
  MC_TRY(auto list, array_field(answer, "contacts"));
  LocalState state = load_state(home);
  std::vector<ContactMatch> out;
  for (const auto& v : list) {
    if (!v.is_object()) continue;
    const auto& o = v.as_object();
    ContactMatch c;
    if (const auto* id = o.if_contains("network_id"); id && id->is_string()) c.network_id = id->as_string();
    if (const auto* d = o.if_contains("display_name"); d && d->is_string()) c.display_name = d->as_string();
    c.names = state.names[c.network_id];
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace mc::client
