#include "cli/output.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>

namespace mc::cli {

namespace json = boost::json;

namespace {
std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string local_time(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
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

std::string resource_line(const json::object& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-24s %-8s %10s  %s", str(r, "id").c_str(), str(r, "type").c_str(),
                human_size(r.at("size").to_number<std::int64_t>()).c_str(), str(r, "title").c_str());
  return buf;
}

std::string item_line(const json::object& item) {
  const auto& r = item.at("resource").as_object();
  std::string head = "#" + std::to_string(item.at("seq").to_number<std::int64_t>()) + "  " +
                     local_time(item.at("created_at").to_number<std::int64_t>()) + "  " + str(item, "id") + "  ";
  std::string what = str(r, "type") + " \"" + str(r, "title") + "\" (" + str(r, "id") + ")";
  std::string kind = str(item, "kind");
  if (kind == "receipt") {
    return head + "receipt: " + str(item, "sender") + " opened your share " + str(item, "share_id") + " of " + what;
  }
  std::string line = head + kind + " from " + str(item, "sender") + ": " + what;
  if (const auto* p = item.if_contains("provenance"); p && p->is_object()) {
    std::string chain;
    for (const auto& c : p->as_object().at("chain").as_array()) {
      chain += (chain.empty() ? "" : " -> ") + std::string(c.as_string());
    }
    line += "  via " + chain;
  }
  if (auto note = str(item, "note"); !note.empty()) line += "  note: " + note;
  return line;
}

std::string time_or_dash(std::int64_t ms) { return ms ? local_time(ms) : std::string("-"); }

int report(const Error& e) {
  std::fprintf(stderr, "error: %s (%s)\n", e.message.c_str(), e.code.c_str());
  return 1;
}

}  // namespace mc::cli
