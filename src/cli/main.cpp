// msgc: the command-line terminal, a thin shell over libmsgcenter. This
// file parses arguments and dispatches; commands.cpp does each command.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "client/connection.hpp"
#include "client/local/profile.hpp"
#include "core/random.hpp"

using namespace mc;
using namespace mc::cli;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

std::string default_home() {
  if (const char* h = std::getenv("MSGC_HOME")) return h;
  if (const char* h = std::getenv("HOME")) return std::string(h) + "/.msgcenter";
  return ".msgcenter";
}

// The server: --server, else MSGC_SERVER, else the profile's, else the default.
Result<std::unique_ptr<client::Connection>> connect(Globals& g) {
  auto profile = client::load_profile(g.home);
  if (!profile) return profile.error();
  if (profile->token.empty()) return Error::unauthenticated("not_logged_in", "log in first: msgc login NETWORK_ID");
  std::string server = !g.server.empty() ? g.server : !profile->server.empty() ? profile->server : "http://127.0.0.1:8080";
  return client::Connection::open(server, profile->token);
}

}  // namespace

int main(int argc, char** argv) {
  init_crypto();
  std::signal(SIGPIPE, SIG_IGN);  // a closed connection is an error value, not a kill
  CLI::App app{"msgc: the msgcenter terminal"};
  app.set_version_flag("--version", "msgc 0.1.0");
  app.require_subcommand(1);
  Globals g;
  app.add_option("--server", g.server, "server URL (also MSGC_SERVER; default: the profile's, else http://127.0.0.1:8080)");
  app.add_option("--home", g.home, "profile directory (also MSGC_HOME; default ~/.msgcenter)");
  app.add_flag("--json", g.json, "print data as JSON, one object per line");

  std::string id;
  auto* reg = app.add_subcommand("register", "create an account and log in (password from stdin or a prompt)");
  reg->add_option("ID", id, "your network ID: 3-32 of a-z 0-9 _ . -")->required();
  auto* lin = app.add_subcommand("login", "log in (password from stdin or a prompt)");
  lin->add_option("ID", id, "network ID")->required();
  auto* lout = app.add_subcommand("logout", "end this login");
  auto* who = app.add_subcommand("whoami", "show who is logged in");
  std::string receipts_setting;
  auto* settings = app.add_subcommand("settings", "show or change your settings");
  settings->add_option("--receipts", receipts_setting, "on: senders see when you received and opened their shares")
      ->check(CLI::IsMember({"on", "off"}));

  PublishArgs pub;
  auto* publish = app.add_subcommand("publish", "publish a file as a resource (provider accounts)");
  publish->add_option("FILE", pub.path, "file to publish")->required();
  publish->add_option("--type", pub.type, "video, music, novel, game, product or webpage")->required();
  publish->add_option("--title", pub.title, "title")->required();
  publish->add_option("--tags", pub.tags, "comma-separated tags");
  publish->add_option("--mime", pub.mime, "media type (default: by type)");

  std::string type;
  std::int64_t after = 0;
  int limit = 50;
  bool ids_only = false;
  auto* catalog = app.add_subcommand("catalog", "list the provider's resources");
  catalog->add_option("--type", type, "only this type");
  catalog->add_option("--after", after, "continue after this position (printed at the end of a page)");
  catalog->add_option("--limit", limit, "at most this many (1-200)")->check(CLI::Range(1, 200));
  catalog->add_flag("-q,--quiet", ids_only, "print only resource ids, one per line");

  std::string out_path;
  auto* get = app.add_subcommand("get", "download a resource (or an inbox item's resource), resuming, verifying SHA-256");
  get->add_option("ID", id, "a resource id (r_...) or an inbox item id (i_...)")->required();
  get->add_option("-o,--output", out_path, "where to save (default: the resource's file name here)");

  // share and forward take the same recipients and note.
  auto add_send = [&app](const char* name, const char* help, const char* what, ShareArgs& a) {
    auto* sub = app.add_subcommand(name, help);
    sub->add_option(what, a.id)->required();
    sub->add_option("--to", a.to, "network IDs, comma-separated");
    sub->add_option("--to-group", a.groups, "names of your groups, comma-separated");
    sub->add_option("--note", a.note, "a note for the recipients");
    return sub;
  };
  ShareArgs sh, fw;
  auto* share = add_send("share", "share a resource with users and groups", "RESOURCE_ID", sh);
  auto* forward = add_send("forward", "forward a received item; recipients see where it came from", "ITEM_ID", fw);
  std::string share_id;
  auto* receipts = app.add_subcommand("receipts", "who received and opened a share you sent");
  receipts->add_option("SHARE_ID", share_id)->required();

  bool follow = false;
  int inbox_limit = 100;
  auto* inbox = app.add_subcommand("inbox", "list received shares, forwards, pushes and receipts in sequence order");
  auto* inbox_after = inbox->add_option("--after", after, "only items with a sequence number above this");
  inbox->add_option("--limit", inbox_limit, "at most this many (1-1000)")->check(CLI::Range(1, 1000));
  inbox->add_flag("--follow", follow,
                  "stay connected and print items as they arrive; without --after, resume after the last item "
                  "this profile stored");

  std::string group_action, group_name;
  std::vector<std::string> group_members;
  auto* group = app.add_subcommand("group", "manage your groups: create|add|remove|list|delete NAME [ID...]");
  group->add_option("ACTION", group_action, "create, add, remove, list or delete")
      ->required()
      ->check(CLI::IsMember({"create", "add", "remove", "list", "delete"}));
  group->add_option("NAME", group_name, "group name: 1-32 of a-z 0-9 _ . -");
  group->add_option("MEMBERS", group_members, "network IDs");

  CLI11_PARSE(app, argc, argv);
  if (g.home.empty()) g.home = default_home();
  if (g.server.empty()) {
    if (const char* s = std::getenv("MSGC_SERVER")) g.server = s;
  }

  try {
    if (reg->parsed() || lin->parsed()) return cmd_login(g, id, reg->parsed());
    auto conn = connect(g);
    if (!conn) return report(conn.error());
    auto& c = **conn;
    if (lout->parsed()) return cmd_logout(g, c);
    if (who->parsed()) return cmd_whoami(g, c);
    if (settings->parsed()) return cmd_settings(g, c, receipts_setting);
    if (publish->parsed()) return cmd_publish(g, c, pub);
    if (catalog->parsed()) return cmd_catalog(g, c, type, after, limit, ids_only);
    if (get->parsed()) return cmd_get(g, c, id, out_path);
    if (share->parsed()) return cmd_share(g, c, sh, false);
    if (forward->parsed()) return cmd_share(g, c, fw, true);
    if (receipts->parsed()) return cmd_receipts(g, c, share_id);
    if (group->parsed()) return cmd_group(g, c, group_action, group_name, group_members);
    if (inbox->parsed()) {
      struct sigaction sa {};
      sa.sa_handler = on_signal;
      sigaction(SIGINT, &sa, nullptr);
      sigaction(SIGTERM, &sa, nullptr);
      std::optional<std::int64_t> from;
      if (inbox_after->count() > 0) from = after;
      return cmd_inbox(g, c, from, inbox_limit, follow, g_stop);
    }
  } catch (const std::exception& e) {
    std::cerr << "error: unexpected answer from the server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
