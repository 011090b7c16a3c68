#include "cli/commands.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <iostream>

#include "cli/output.hpp"
#include "cli/password_prompt.hpp"
#include "cli/progress_bar.hpp"
#include "client/account/account.hpp"
#include "client/acquire/catalog.hpp"
#include "client/acquire/download.hpp"
#include "client/local/local_store.hpp"
#include "client/local/profile.hpp"
#include "client/share/share.hpp"
#include "client/social/groups.hpp"
#include "client/sync/inbox.hpp"

namespace mc::cli {

namespace json = boost::json;
using namespace mc::client;

namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string group_line(const json::object& g) {
  std::string members;
  for (const auto& m : g.at("members").as_array()) members += (members.empty() ? "" : ", ") + std::string(m.as_string());
  return str(g, "name") + ": " + (members.empty() ? "(no members)" : members);
}

}  // namespace

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

int cmd_login(const Globals& g, const std::string& id, bool register_first) {
  auto profile = load_profile(g.home);
  if (!profile) return report(profile.error());
  std::string server = !g.server.empty() ? g.server : !profile->server.empty() ? profile->server : kDefaultServer;
  auto conn = Connection::open(server);
  if (!conn) return report(conn.error());
  auto pw = read_password("password for " + id + ": ");
  if (!pw) return report(pw.error());
  if (register_first) {
    if (auto st = register_account(**conn, id, *pw); !st) return report(st.error());
  }
  // Keep the device id across logins: it names this install, and the
  // server keeps this device's cursor under it.
  std::string device = profile->network_id == id ? profile->device_id : std::string();
  auto s = login(**conn, id, *pw, device);
  if (!s) return report(s.error());
  if (auto st = save_profile(g.home, Profile{server, s->network_id, s->token, s->device_id}); !st) {
    return report(st.error());
  }
  if (g.json) {
    print_json_line({{"network_id", s->network_id}, {"role", s->role}, {"device_id", s->device_id}, {"server", server}});
  } else {
    std::cout << (register_first ? "registered and logged in as " : "logged in as ") << s->network_id << " ("
              << s->role << ") at " << server << "\n";
  }
  return 0;
}

int cmd_logout(const Globals& g, Connection& c) {
  if (auto st = logout(c); !st && !st.error().is(ErrorKind::kUnauthenticated)) return report(st.error());
  if (auto p = load_profile(g.home)) {
    p->token.clear();
    (void)save_profile(g.home, *p);
  }
  if (!g.json) std::cout << "logged out\n";
  return 0;
}

int cmd_whoami(const Globals& g, Connection& c) {
  auto u = whoami(c);
  if (!u) return report(u.error());
  if (g.json) print_json_line(*u);
  else std::cout << str(*u, "network_id") << " (" << str(*u, "role") << "), device " << str(*u, "device_id") << "\n";
  return 0;
}

int cmd_settings(const Globals& g, Connection& c, const std::string& receipts) {
  if (!receipts.empty()) {
    if (auto st = set_send_receipts(c, receipts == "on"); !st) return report(st.error());
  }
  auto u = whoami(c);
  if (!u) return report(u.error());
  const auto& settings = u->at("settings").as_object();
  if (g.json) print_json_line(settings);
  else std::cout << "receipts: " << (settings.at("send_receipts").as_bool() ? "on" : "off") << "\n";
  return 0;
}

int cmd_publish(const Globals& g, Connection& c, const PublishArgs& a) {
  auto r = publish_file(c, PublishRequest{a.path, a.type, a.title, split_list(a.tags), a.mime});
  if (!r) return report(r.error());
  if (g.json) print_json_line(*r);
  else std::cout << str(*r, "id") << "\n";
  return 0;
}

int cmd_catalog(const Globals& g, Connection& c, const std::string& type, std::int64_t after, int limit,
                bool ids_only) {
  std::optional<std::string> t;
  if (!type.empty()) t = type;
  auto page = list_resources(c, t, after, limit);
  if (!page) return report(page.error());
  for (const auto& r : page->resources) {
    if (g.json) print_json_line(r);
    else if (ids_only) std::cout << str(r, "id") << "\n";
    else std::cout << resource_line(r) << "\n";
  }
  if (!g.json && !ids_only && page->next_after) std::cout << "(more: msgc catalog --after " << *page->next_after << ")\n";
  return 0;
}

int cmd_get(const Globals& g, Connection& c, const std::string& id, const std::string& out) {
  // An inbox item id downloads the item's resource and tells the sender it
  // was opened; a resource id just downloads.
  std::string resource_id = id, item_id;
  if (id.rfind("i_", 0) == 0) {
    auto item = get_item(c, id);
    if (!item) return report(item.error());
    resource_id = str(*item, "resource_id");
    item_id = id;
  }
  ProgressBar bar;
  bool show = !g.json && isatty(STDERR_FILENO);
  auto r = download_resource(c, resource_id, out, [&](std::uint64_t d, std::uint64_t t) {
    if (show) bar.update(d, t);
  });
  if (show) bar.finish();
  if (!r) return report(r.error());
  if (!item_id.empty()) {
    if (auto st = mark_opened(c, item_id); !st) return report(st.error());
  }
  if (g.json) {
    print_json_line({{"resource_id", resource_id}, {"path", r->path}, {"size", r->size}, {"sha256", r->sha256},
                     {"resumed_from", r->resumed_from}});
  } else {
    std::cout << "saved " << r->path << " (" << human_size(static_cast<std::int64_t>(r->size))
              << ", sha256 verified" << (r->resumed_from ? ", resumed" : "") << ")\n";
  }
  return 0;
}

int cmd_share(const Globals& g, Connection& c, const ShareArgs& a, bool forward) {
  ShareMessage msg;
  (forward ? msg.forward_of : msg.resource_id) = a.id;
  msg.to = split_list(a.to);
  msg.to_groups = split_list(a.groups);
  msg.note = a.note;
  auto s = send_share(c, msg);
  if (!s) return report(s.error());
  if (g.json) print_json_line(*s);
  else std::cout << str(*s, "id") << "\n";
  return 0;
}

int cmd_receipts(const Globals& g, Connection& c, const std::string& share_id) {
  auto list = share_receipts(c, share_id);
  if (!list) return report(list.error());
  for (const auto& r : *list) {
    if (g.json) {
      json::object o{{"network_id", r.network_id}, {"hidden", r.hidden}};
      o["delivered_at"] = r.delivered_at ? json::value(r.delivered_at) : json::value(nullptr);
      o["opened_at"] = r.opened_at ? json::value(r.opened_at) : json::value(nullptr);
      print_json_line(o);
    } else if (r.hidden) {
      std::cout << r.network_id << "  (receipts turned off)\n";
    } else {
      std::cout << r.network_id << "  delivered " << time_or_dash(r.delivered_at) << "  opened "
                << time_or_dash(r.opened_at) << "\n";
    }
  }
  return 0;
}

int cmd_inbox(const Globals& g, Connection& c, std::optional<std::int64_t> after, int limit, bool follow,
              const std::atomic<bool>& stop) {
  auto print = [&](const json::object& item) -> Status {
    if (g.json) print_json_line(item);
    else std::cout << item_line(item) << std::endl;
    return {};
  };
  if (!follow) {
    auto page = list_inbox(c, after.value_or(0), limit);
    if (!page) return report(page.error());
    for (const auto& it : page->items) (void)print(it);
    return 0;
  }
  auto profile = load_profile(g.home);
  if (!profile) return report(profile.error());
  auto local = LocalStore::open(g.home, profile->network_id);
  if (!local) return report(local.error());
  FollowOptions fo;
  fo.after = after;
  fo.local = local->get();
  fo.stop = &stop;
  if (auto st = follow_inbox(c, fo, print); !st) return report(st.error());
  return 0;
}

int cmd_group(const Globals& g, Connection& c, const std::string& action, const std::string& name,
              const std::vector<std::string>& members) {
  if (action == "list") {
    auto groups = list_groups(c);
    if (!groups) return report(groups.error());
    for (const auto& grp : *groups) {
      if (!name.empty() && str(grp, "name") != name) continue;
      if (g.json) print_json_line(grp);
      else std::cout << group_line(grp) << "\n";
    }
    return 0;
  }
  if (name.empty()) return report(Error::invalid_argument("missing_field", "name the group"));
  if (action == "delete") {
    if (auto st = delete_group(c, name); !st) return report(st.error());
    if (!g.json) std::cout << "deleted group " << name << "\n";
    return 0;
  }
  Result<json::object> grp = action == "create" ? create_group(c, name, members)
                             : action == "add"  ? add_to_group(c, name, members)
                                                : remove_from_group(c, name, members);
  if (!grp) return report(grp.error());
  if (g.json) print_json_line(*grp);
  else std::cout << group_line(*grp) << "\n";
  return 0;
}

}  // namespace mc::cli
