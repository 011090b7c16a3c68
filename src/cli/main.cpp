// msgc: the command-line terminal, a thin shell over libmsgcenter.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/json.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/output.hpp"
#include "cli/password_prompt.hpp"
#include "cli/progress_bar.hpp"
#include "client/account/account.hpp"
#include "client/acquire/catalog.hpp"
#include "client/acquire/download.hpp"
#include "client/connection.hpp"
#include "client/local/profile.hpp"
#include "client/share/share.hpp"
#include "client/sync/inbox.hpp"
#include "core/random.hpp"

namespace json = boost::json;
using namespace mc;
using namespace mc::client;
using namespace mc::cli;

namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8080";
std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

struct Globals {
  std::string server;
  std::string home;
  bool json = false;
};

std::string default_home() {
  if (const char* h = std::getenv("MSGC_HOME")) return h;
  if (const char* h = std::getenv("HOME")) return std::string(h) + "/.msgcenter";
  return ".msgcenter";
}

// The server: --server, else MSGC_SERVER, else the profile's, else the default.
std::string resolve_server(const Globals& g, const Profile& p) {
  if (!g.server.empty()) return g.server;
  if (const char* s = std::getenv("MSGC_SERVER")) return s;
  if (!p.server.empty()) return p.server;
  return kDefaultServer;
}

Result<std::unique_ptr<Connection>> connect(const Globals& g, bool need_login) {
  auto profile = load_profile(g.home);
  if (!profile) return profile.error();
  if (need_login && profile->token.empty()) {
    return Error::unauthorized("not_logged_in", "log in first: msgc login NETWORK_ID");
  }
  return Connection::open(resolve_server(g, *profile), profile->token);
}

int do_login(const Globals& g, const std::string& id, bool register_first) {
  auto profile = load_profile(g.home);
  if (!profile) return report(profile.error());
  std::string server = resolve_server(g, *profile);
  auto conn = Connection::open(server);
  if (!conn) return report(conn.error());
  auto pw = read_password("password for " + id + ": ");
  if (!pw) return report(pw.error());
  if (register_first) {
    if (auto st = register_account(**conn, id, *pw); !st) return report(st.error());
  }
  // Keep the device id across logins: it names this install, not the session.
  std::string device = profile->network_id == id ? profile->device_id : std::string();
  auto s = login(**conn, id, *pw, device);
  if (!s) return report(s.error());
  if (auto st = save_profile(g.home, Profile{server, s->network_id, s->token, s->device_id}); !st) {
    return report(st.error());
  }
  if (g.json) {
    print_json_line({{"network_id", s->network_id}, {"role", s->role}, {"device_id", s->device_id},
                     {"server", server}});
  } else {
    std::cout << (register_first ? "registered and logged in as " : "logged in as ") << s->network_id << " ("
              << s->role << ") at " << server << "\n";
  }
  return 0;
}

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

}  // namespace

int main(int argc, char** argv) {
  init_crypto();
  std::signal(SIGPIPE, SIG_IGN);  // a closed connection is an error value, not a kill
  CLI::App app{"msgc: the msgcenter terminal"};
  app.set_version_flag("--version", "msgc 0.1.0");
  app.require_subcommand(1);
  Globals g;
  app.add_option("--server", g.server, "server URL (also MSGC_SERVER; default: the profile's, else " +
                                           std::string(kDefaultServer) + ")");
  app.add_option("--home", g.home, "profile directory (also MSGC_HOME; default ~/.msgcenter)");
  app.add_flag("--json", g.json, "print data as JSON, one object per line");

  std::string id;
  auto* reg = app.add_subcommand("register", "create an account and log in (password from stdin or a prompt)");
  reg->add_option("ID", id, "your network ID: 3-32 of a-z 0-9 _ . -")->required();
  auto* lin = app.add_subcommand("login", "log in (password from stdin or a prompt)");
  lin->add_option("ID", id, "network ID")->required();
  auto* lout = app.add_subcommand("logout", "end this login");
  auto* who = app.add_subcommand("whoami", "show who is logged in");

  PublishRequest pub;
  std::string tags;
  auto* publish = app.add_subcommand("publish", "publish a file as a resource (provider accounts)");
  publish->add_option("FILE", pub.path, "file to publish")->required();
  publish->add_option("--type", pub.type, "video, music, novel, game, product or webpage")->required();
  publish->add_option("--title", pub.title, "title")->required();
  publish->add_option("--tags", tags, "comma-separated tags");
  publish->add_option("--mime", pub.mime, "media type (default: by type)");

  std::string type;
  std::int64_t after = 0;
  int limit = 50;
  auto* catalog = app.add_subcommand("catalog", "list the provider's resources");
  catalog->add_option("--type", type, "only this type");
  catalog->add_option("--after", after, "continue after this position (printed at the end of a page)");
  catalog->add_option("--limit", limit, "at most this many (1-200)")->check(CLI::Range(1, 200));
  bool ids_only = false;
  catalog->add_flag("-q,--quiet", ids_only, "print only resource ids, one per line");

  std::string resource_id, out_path;
  auto* get = app.add_subcommand("get", "download a resource, resuming an interrupted download, verifying SHA-256");
  get->add_option("RESOURCE_ID", resource_id)->required();
  get->add_option("-o,--output", out_path, "where to save (default: the resource's file name here)");

  std::string to, note;
  auto* share = app.add_subcommand("share", "share a resource with other users");
  share->add_option("RESOURCE_ID", resource_id)->required();
  share->add_option("--to", to, "network IDs, comma-separated")->required();
  share->add_option("--note", note, "a note for the recipients");

  bool follow = false;
  int inbox_limit = 100;
  auto* inbox = app.add_subcommand("inbox", "list received shares and pushes in sequence order");
  inbox->add_option("--after", after, "only items with a sequence number above this");
  inbox->add_option("--limit", inbox_limit, "at most this many (1-1000)")->check(CLI::Range(1, 1000));
  inbox->add_flag("--follow", follow, "stay connected and print items as they arrive");

  CLI11_PARSE(app, argc, argv);
  if (g.home.empty()) g.home = default_home();

  try {
    if (reg->parsed() || lin->parsed()) return do_login(g, id, reg->parsed());

    auto conn = connect(g, true);
    if (!conn) return report(conn.error());
    Connection& c = **conn;

    if (lout->parsed()) {
      if (auto st = logout(c); !st && st.error().status != 401) return report(st.error());
      auto p = load_profile(g.home);
      if (p) {
        p->token.clear();
        (void)save_profile(g.home, *p);
      }
      if (!g.json) std::cout << "logged out\n";
      return 0;
    }
    if (who->parsed()) {
      auto u = whoami(c);
      if (!u) return report(u.error());
      if (g.json) print_json_line(*u);
      else std::cout << json::value_to<std::string>(u->at("network_id")) << " (" << json::value_to<std::string>(u->at("role")) << ")\n";
      return 0;
    }
    if (publish->parsed()) {
      pub.tags = split_list(tags);
      auto r = publish_file(c, pub);
      if (!r) return report(r.error());
      if (g.json) print_json_line(*r);
      else std::cout << json::value_to<std::string>(r->at("id")) << "\n";
      return 0;
    }
    if (catalog->parsed()) {
      std::optional<std::string> t;
      if (!type.empty()) t = type;
      auto page = list_resources(c, t, after, limit);
      if (!page) return report(page.error());
      for (const auto& r : page->resources) {
        if (g.json) print_json_line(r);
        else if (ids_only) std::cout << json::value_to<std::string>(r.at("id")) << "\n";
        else std::cout << resource_line(r) << "\n";
      }
      if (!g.json && !ids_only && page->next_after) std::cout << "(more: msgc catalog --after " << *page->next_after << ")\n";
      return 0;
    }
    if (get->parsed()) {
      ProgressBar bar;
      bool show = !g.json && isatty(STDERR_FILENO);
      auto r = download_resource(c, resource_id, out_path, [&](std::uint64_t d, std::uint64_t t) {
        if (show) bar.update(d, t);
      });
      if (show) bar.finish();
      if (!r) return report(r.error());
      if (g.json) {
        print_json_line({{"resource_id", resource_id}, {"path", r->path}, {"size", r->size},
                         {"sha256", r->sha256}, {"resumed_from", r->resumed_from}});
      } else {
        std::cout << "saved " << r->path << " (" << human_size(static_cast<std::int64_t>(r->size))
                  << ", sha256 verified" << (r->resumed_from ? ", resumed" : "") << ")\n";
      }
      return 0;
    }
    if (share->parsed()) {
      auto s = send_share(c, ShareMessage{resource_id, split_list(to), note});
      if (!s) return report(s.error());
      if (g.json) print_json_line(*s);
      else std::cout << json::value_to<std::string>(s->at("id")) << "\n";
      return 0;
    }
    if (inbox->parsed()) {
      auto print = [&](const json::object& item) -> Status {
        if (g.json) print_json_line(item);
        else std::cout << item_line(item) << std::endl;
        return {};
      };
      if (!follow) {
        auto page = list_inbox(c, after, inbox_limit);
        if (!page) return report(page.error());
        for (const auto& it : page->items) (void)print(it);
        return 0;
      }
      struct sigaction sa {};
      sa.sa_handler = on_signal;
      sigaction(SIGINT, &sa, nullptr);
      sigaction(SIGTERM, &sa, nullptr);
      FollowOptions fo;
      fo.after = after;
      fo.stop = &g_stop;
      if (auto st = follow_inbox(c, fo, print); !st) return report(st.error());
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: unexpected answer from the server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
