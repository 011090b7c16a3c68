#include "cli/output.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>

#include "client/view/render_text.hpp"

namespace mc::cli {

namespace json = boost::json;

namespace {

std::string local_time(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string joined(const std::vector<std::string>& list, const char* sep) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

void print_json_line(const json::object& o) {
  std::string s = json::serialize(o);
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string human_size(std::int64_t bytes) {
  char buf[32];
  if (bytes < 1024) std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  else if (bytes < (1 << 20)) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

std::string resource_line(const wire::Resource& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-24s %-8s %10s  %s", r.id.c_str(), r.type.c_str(), human_size(r.size).c_str(),
                r.title.c_str());
  return buf;
}

std::string resource_details(const wire::Resource& r) {
  std::string out;
  auto line = [&out](const std::string& k, const std::string& v) {
    if (!v.empty()) out += k + ": " + v + "\n";
  };
  line("id", r.id);
  line("title", r.title);
  line("type", r.type);
  line("size", human_size(r.size) + " (" + std::to_string(r.size) + " bytes)");
  line("publisher", r.publisher);
  line("access",
       r.access + (r.access == "restricted" ? (r.shareable ? ", readable through shares" : ", not shareable") : ""));
  if (r.share_access_seconds) line("share access", std::to_string(*r.share_access_seconds) + " s");
  std::string tags;
  for (const auto& t : r.tags) tags += (tags.empty() ? "" : ", ") + t;
  line("tags", tags);
  line("description", r.description);
  if (r.attributes != "{}") line("attributes", r.attributes);
  line("published", local_time(r.created_at));
  if (r.updated_at != r.created_at) line("updated", local_time(r.updated_at));
  if (r.gone) line("status", "unpublished");
  line("sha256", r.sha256);
  return out;
}

namespace {

std::string item_line_raw(const wire::InboxItem& item) {
  const auto& r = item.resource;
  std::string head = "#" + std::to_string(item.seq) + "  " + local_time(item.created_at) + "  " + item.id + "  ";
  std::string what = r.type + " \"" + r.title + "\" (" + r.id + (r.gone ? ", unpublished" : "") + ")";
  if (item.kind == wire::ItemKind::kReceipt) {
    return head + "receipt: " + item.sender + " opened your share " + item.share_id + " of " + what;
  }
  if (item.kind == wire::ItemKind::kFriendRequest) {
    return head + "friend request from " + item.sender + (item.note.empty() ? "" : ": " + item.note) +
           "  (msgc friends accept|decline " + item.sender + ")";
  }
  if (item.kind == wire::ItemKind::kFriendAccepted) return head + item.sender + " accepted your friend request";
  if (item.kind == wire::ItemKind::kPush) {
    return head + "push from " + item.sender + ": " + what + (item.note.empty() ? "" : "  \"" + item.note + "\"") +
           "  (" + item.reason + "; msgc why|dismiss " + item.id + ")";
  }
  std::string kind =
      item.kind == wire::ItemKind::kOther ? item.other_kind : std::string(wire::item_kind_name(item.kind));
  std::string line = head + kind + " from " + item.sender + ": " + what;
  if (item.kind == wire::ItemKind::kForward) {
    auto chain = item.chain;
    chain.push_back(item.sender);
    line += "  via " + joined(chain, " -> ");
  }
  if (!item.note.empty()) line += "  note: " + item.note;
  return line;
}

}  // namespace

// Titles, notes, names and messages are what other users wrote: shown,
// never obeyed.
std::string item_line(const wire::InboxItem& item) { return client::terminal_safe(item_line_raw(item)); }

std::string group_line(const wire::Group& g) {
  return g.name + ": " + (g.members.empty() ? "(no members)" : joined(g.members, ", "));
}

std::string receipt_line(const wire::Receipt& r) {
  if (r.hidden) return r.network_id + "  (receipts turned off)";
  return r.network_id + "  delivered " + time_or_dash(r.delivered_at) + "  opened " + time_or_dash(r.opened_at);
}

std::string time_or_dash(const std::optional<std::int64_t>& ms) { return ms ? local_time(*ms) : std::string("-"); }

int report(const Error& e) {
  // Messages may carry what a server or a page wrote: no escape sequences.
  std::fprintf(stderr, "error: %s (%s)\n", client::terminal_safe(e.message).c_str(),
               client::terminal_safe(e.code).c_str());
  return 1;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "error: %s\nRun with --help for more information.\n", message.c_str());
  return 2;
}

}  // namespace mc::cli
