#include "cli/commands.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>

#include "cli/output.hpp"
#include "cli/password_prompt.hpp"
#include "cli/progress_bar.hpp"
#include "client/account/account.hpp"
#include "client/acquire/catalog.hpp"
#include "client/acquire/download.hpp"
#include "client/local/client_config.hpp"
#include "client/local/local_store.hpp"
#include "client/local/profile.hpp"
#include "client/open/open.hpp"
#include "client/share/share.hpp"
#include "client/social/groups.hpp"
#include "client/sync/inbox.hpp"
#include "client/view/render_text.hpp"
#include "core/wire/codec.hpp"

namespace mc::cli {

using namespace mc::client;

namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

// Every command but login and register starts here.
#define MC_CLI_CONNECT(conn, session)             \
  auto conn##_r = (session).connection();         \
  if (!conn##_r) return report(conn##_r.error()); \
  Connection& conn = **conn##_r

// ---- accounts ----------------------------------------------------------------

Command login_command(bool register_first) {
  auto id = std::make_shared<std::string>();
  return {
      register_first ? "register" : "login",
      register_first ? "create an account and log in (password from stdin or a prompt)"
                     : "log in (password from stdin or a prompt)",
      [id, register_first](CLI::App& c) {
        c.add_option("ID", *id, register_first ? "your network ID: 3-32 of a-z 0-9 _ . -" : "network ID")->required();
      },
      [id, register_first](Session& s) {
        const Globals& g = s.globals();
        auto profile = load_profile(g.home);
        if (!profile) return report(profile.error());
        std::string server = s.server_for(profile->server);
        auto conn = Connection::open(server);
        if (!conn) return report(conn.error());
        auto pw = read_password("password for " + *id + ": ");
        if (!pw) return report(pw.error());
        if (register_first) {
          if (auto st = register_account(**conn, *id, *pw); !st) return report(st.error());
        }
        // Keep the device id across logins: it names this install, and
        // the server keeps this device's cursor under it.
        std::string device = profile->network_id == *id ? profile->device_id : std::string();
        auto l = login(**conn, *id, *pw, device);
        if (!l) return report(l.error());
        if (auto st = save_profile(g.home, Profile{server, l->user.network_id, l->token, l->device_id}); !st) {
          return report(st.error());
        }
        std::string role(role_name(l->user.role));
        if (g.json) {
          print_json_line(
              {{"network_id", l->user.network_id}, {"role", role}, {"device_id", l->device_id}, {"server", server}});
        } else {
          std::cout << (register_first ? "registered and logged in as " : "logged in as ") << l->user.network_id << " ("
                    << role << ") at " << server << "\n";
        }
        return 0;
      }};
}

Command logout_command() {
  return {"logout", "end this login", [](CLI::App&) {},
          [](Session& s) {
            MC_CLI_CONNECT(c, s);
            if (auto st = logout(c); !st && !st.error().is(ErrorKind::kUnauthenticated)) return report(st.error());
            if (auto p = load_profile(s.globals().home)) {
              p->token.clear();
              (void)save_profile(s.globals().home, *p);
            }
            if (!s.globals().json) std::cout << "logged out\n";
            return 0;
          }};
}

Command whoami_command() {
  return {"whoami", "show who is logged in", [](CLI::App&) {},
          [](Session& s) {
            MC_CLI_CONNECT(c, s);
            auto u = whoami(c);
            if (!u) return report(u.error());
            if (s.globals().json) print_json_line(wire::to_json(*u));
            else
              std::cout << u->network_id << " (" << role_name(u->role) << "), device " << u->device_id.value_or("-")
                        << "\n";
            return 0;
          }};
}

Command settings_command() {
  auto receipts = std::make_shared<std::string>();
  return {"settings", "show or change your settings",
          [receipts](CLI::App& c) {
            c.add_option("--receipts", *receipts, "on: senders see when you received and opened their shares")
                ->check(CLI::IsMember({"on", "off"}));
          },
          [receipts](Session& s) {
            MC_CLI_CONNECT(c, s);
            wire::Settings settings;
            if (!receipts->empty()) {
              auto changed = set_send_receipts(c, *receipts == "on");
              if (!changed) return report(changed.error());
              settings = *changed;
            } else {
              auto u = whoami(c);
              if (!u) return report(u.error());
              settings = u->settings.value_or(wire::Settings{});
            }
            if (s.globals().json) print_json_line(wire::to_json(settings));
            else std::cout << "receipts: " << (settings.send_receipts ? "on" : "off") << "\n";
            return 0;
          }};
}

// ---- catalog -------------------------------------------------------------------

Command publish_command() {
  struct Args {
    std::string path, type, title, tags, mime;
  };
  auto a = std::make_shared<Args>();
  return {"publish", "publish a file as a resource (provider accounts)",
          [a](CLI::App& c) {
            c.add_option("FILE", a->path, "file to publish")->required();
            c.add_option("--type", a->type, "video, music, novel, game, product or webpage")->required();
            c.add_option("--title", a->title, "title")->required();
            c.add_option("--tags", a->tags, "comma-separated tags");
            c.add_option("--mime", a->mime, "media type (default: by type)");
          },
          [a](Session& s) {
            MC_CLI_CONNECT(c, s);
            auto r = publish_file(c, PublishRequest{a->path, a->type, a->title, split_list(a->tags), a->mime});
            if (!r) return report(r.error());
            if (s.globals().json) print_json_line(wire::to_json(*r));
            else std::cout << r->id << "\n";
            return 0;
          }};
}

Command catalog_command() {
  struct Args {
    std::string type;
    std::int64_t after = 0;
    std::int64_t limit = 50;
    bool ids_only = false;
  };
  auto a = std::make_shared<Args>();
  return {"catalog", "list the provider's resources",
          [a](CLI::App& c) {
            c.add_option("--type", a->type, "only this type");
            c.add_option("--after", a->after, "continue after this position (printed at the end of a page)");
            c.add_option("--limit", a->limit, "at most this many (default 50)")->check(CLI::PositiveNumber);
            c.add_flag("-q,--quiet", a->ids_only, "print only resource ids, one per line");
          },
          [a](Session& s) {
            MC_CLI_CONNECT(c, s);
            std::optional<std::string> type;
            if (!a->type.empty()) type = a->type;
            auto page = list_resources(c, type, a->after, a->limit);
            if (!page) return report(page.error());
            bool json = s.globals().json;
            for (const auto& r : page->resources) {
              if (json) print_json_line(wire::to_json(r));
              else if (a->ids_only) std::cout << r.id << "\n";
              else std::cout << resource_line(r) << "\n";
            }
            if (!json && !a->ids_only && page->next_after) {
              std::cout << "(more: msgc catalog --after " << *page->next_after << ")\n";
            }
            return 0;
          }};
}

Command get_command() {
  struct Args {
    std::string id, out;
  };
  auto a = std::make_shared<Args>();
  return {"get", "download a resource (or an inbox item's resource), resuming, verifying SHA-256",
          [a](CLI::App& c) {
            c.add_option("ID", a->id, "a resource id (r_...) or an inbox item id (i_...)")->required();
            c.add_option("-o,--output", a->out, "where to save (default: the resource's file name here)");
          },
          [a](Session& s) {
            MC_CLI_CONNECT(c, s);
            // An inbox item id downloads the item's resource and tells the
            // sender it was opened; a resource id just downloads.
            std::string resource_id = a->id, item_id;
            if (a->id.rfind("i_", 0) == 0) {
              auto item = get_item(c, a->id);
              if (!item) return report(item.error());
              resource_id = item->resource.id;
              item_id = a->id;
            }
            bool json = s.globals().json;
            ProgressBar bar;
            bool show = !json && isatty(STDERR_FILENO);
            auto r = download_resource(c, resource_id, a->out, [&](std::uint64_t d, std::uint64_t t) {
              if (show) bar.update(d, t);
            });
            if (show) bar.finish();
            if (!r) return report(r.error());
            if (!item_id.empty()) {
              if (auto st = mark_opened(c, item_id); !st) return report(st.error());
            }
            if (json) {
              print_json_line({{"resource_id", resource_id},
                               {"path", r->path},
                               {"size", r->size},
                               {"sha256", r->sha256},
                               {"resumed_from", r->resumed_from}});
            } else {
              std::cout << "saved " << r->path << " (" << human_size(static_cast<std::int64_t>(r->size))
                        << ", sha256 verified" << (r->resumed_from ? ", resumed" : "") << ")\n";
            }
            return 0;
          }};
}

// Columns to render for: --width, else the terminal's, else 80.
int output_width(int requested) {
  if (requested > 0) return requested;
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

boost::json::object link_json(const Link& l) {
  boost::json::object o{{"n", l.n}, {"text", l.text}, {"href", l.href}};
  if (l.resource_id) o["resource_id"] = *l.resource_id;
  return o;
}

Command open_command() {
  struct Args {
    std::string id;
    int link = 0;
    int width = 0;
  };
  auto a = std::make_shared<Args>();
  return {"open", "open a resource or inbox item: web pages in the built-in browser, text in the viewer",
          [a](CLI::App& c) {
            c.add_option("ID", a->id, "a resource id (r_...) or an inbox item id (i_...)")->required();
            c.add_option("--link", a->link, "follow link N of the page (the numbers shown in [N])")
                ->check(CLI::PositiveNumber);
            c.add_option("--width", a->width, "wrap text to this many columns (default: the terminal's, else 80)")
                ->check(CLI::Range(20, 1000));
          },
          [a](Session& s) {
            MC_CLI_CONNECT(c, s);
            const Globals& g = s.globals();
            auto config = load_client_config(g.home);
            if (!config) return report(config.error());
            OpenOptions o;
            o.home = g.home;
            o.config = *config;
            if (a->link > 0) o.link = a->link;
            ProgressBar bar;
            bool show = !g.json && isatty(STDERR_FILENO);
            o.progress = [&](std::uint64_t d, std::uint64_t t) {
              if (show) bar.update(d, t);
            };
            auto opened = open_resource(c, a->id, o);
            if (show) bar.finish();
            if (!opened) return report(opened.error());
            bool not_fetched = opened->external && !opened->fetched;
            if (g.json) {
              boost::json::object out{{"external", opened->external}, {"fetched", opened->fetched}};
              if (!opened->resource.id.empty()) out["resource"] = wire::to_json(opened->resource);
              if (!opened->path.empty()) out["path"] = opened->path;
              if (opened->item_id) out["item_id"] = *opened->item_id;
              if (opened->followed) out["followed"] = link_json(*opened->followed);
              if (!not_fetched) out["view"] = to_json(opened->view);
              print_json_line(out);
              return 0;
            }
            if (not_fetched) {
              std::cout << "link " << opened->followed->n
                        << " leads out of the catalog: " << terminal_safe(opened->followed->href)
                        << "\n(not fetched: to let msgc fetch pages from other sites, set fetch_external = true "
                           "under [browser] in "
                        << g.home << "/config.toml)\n";
              return 0;
            }
            if (opened->followed) {
              std::cerr << "link " << opened->followed->n << ": "
                        << terminal_safe(opened->followed->resource_id ? "resource " + *opened->followed->resource_id
                                                                       : opened->followed->href)
                        << "\n";
            }
            std::cout << render_text(opened->view, output_width(a->width));
            return 0;
          }};
}

// ---- shares ----------------------------------------------------------------------

// share and forward take the same recipients and note.
Command send_command(bool forward) {
  struct Args {
    std::string id, to, groups, note;
  };
  auto a = std::make_shared<Args>();
  return {forward ? "forward" : "share",
          forward ? "forward a received item; recipients see where it came from"
                  : "share a resource with users and groups",
          [a, forward](CLI::App& c) {
            c.add_option(forward ? "ITEM_ID" : "RESOURCE_ID", a->id)->required();
            c.add_option("--to", a->to, "network IDs, comma-separated");
            c.add_option("--to-group", a->groups, "names of your groups, comma-separated");
            c.add_option("--note", a->note, "a note for the recipients");
          },
          [a, forward](Session& s) {
            MC_CLI_CONNECT(c, s);
            ShareMessage msg;
            (forward ? msg.forward_of : msg.resource_id) = a->id;
            msg.to = split_list(a->to);
            msg.to_groups = split_list(a->groups);
            msg.note = a->note;
            auto sent = send_share(c, msg);
            if (!sent) return report(sent.error());
            if (s.globals().json) print_json_line(wire::to_json(*sent));
            else std::cout << sent->id << "\n";
            return 0;
          }};
}

Command receipts_command() {
  auto id = std::make_shared<std::string>();
  return {"receipts", "who received and opened a share you sent",
          [id](CLI::App& c) { c.add_option("SHARE_ID", *id)->required(); },
          [id](Session& s) {
            MC_CLI_CONNECT(c, s);
            auto list = share_receipts(c, *id);
            if (!list) return report(list.error());
            for (const auto& r : *list) {
              if (s.globals().json) print_json_line(wire::to_json(r));
              else std::cout << receipt_line(r) << "\n";
            }
            return 0;
          }};
}

// ---- inbox and groups ---------------------------------------------------------------

Command inbox_command() {
  struct Args {
    std::int64_t after = 0;
    std::int64_t limit = 100;
    bool follow = false;
    CLI::Option* after_opt = nullptr;
  };
  auto a = std::make_shared<Args>();
  return {"inbox", "list received shares, forwards, pushes and receipts in sequence order",
          [a](CLI::App& c) {
            a->after_opt = c.add_option("--after", a->after, "only items with a sequence number above this");
            c.add_option("--limit", a->limit, "at most this many (default 100)")->check(CLI::PositiveNumber);
            c.add_flag("--follow", a->follow,
                       "stay connected and print items as they arrive; without --after, resume after the last "
                       "item this profile stored");
          },
          [a](Session& s) {
            MC_CLI_CONNECT(c, s);
            const Globals& g = s.globals();
            auto print = [&](const wire::InboxItem& item) -> Status {
              if (g.json) print_json_line(wire::to_json(item));
              else std::cout << item_line(item) << std::endl;
              return {};
            };
            bool has_after = a->after_opt && a->after_opt->count() > 0;
            if (!a->follow) {
              auto page = list_inbox(c, has_after ? a->after : 0, a->limit);
              if (!page) return report(page.error());
              for (const auto& it : page->items) (void)print(it);
              return 0;
            }
            struct sigaction sa {};
            sa.sa_handler = on_signal;
            sigaction(SIGINT, &sa, nullptr);
            sigaction(SIGTERM, &sa, nullptr);
            auto profile = load_profile(g.home);
            if (!profile) return report(profile.error());
            auto local = LocalStore::open(g.home, profile->network_id);
            if (!local) return report(local.error());
            FollowOptions fo;
            if (has_after) fo.after = a->after;
            fo.local = local->get();
            fo.stop = &g_stop;
            if (auto st = follow_inbox(c, fo, print); !st) return report(st.error());
            return 0;
          }};
}

Command group_command() {
  struct Args {
    std::string action, name;
    std::vector<std::string> members;
  };
  auto a = std::make_shared<Args>();
  return {"group", "manage your groups: create|add|remove|list|delete NAME [ID...]",
          [a](CLI::App& c) {
            c.add_option("ACTION", a->action, "create, add, remove, list or delete")
                ->required()
                ->check(CLI::IsMember({"create", "add", "remove", "list", "delete"}));
            c.add_option("NAME", a->name, "group name: 1-32 of a-z 0-9 _ . -");
            c.add_option("MEMBERS", a->members, "network IDs");
          },
          [a](Session& s) {
            if (a->action != "list" && a->name.empty()) return usage_error("group " + a->action + ": name the group");
            MC_CLI_CONNECT(c, s);
            bool json = s.globals().json;
            if (a->action == "list") {
              auto groups = list_groups(c);
              if (!groups) return report(groups.error());
              for (const auto& grp : *groups) {
                if (!a->name.empty() && grp.name != a->name) continue;
                if (json) print_json_line(wire::to_json(grp));
                else std::cout << group_line(grp) << "\n";
              }
              return 0;
            }
            if (a->action == "delete") {
              if (auto st = delete_group(c, a->name); !st) return report(st.error());
              if (!json) std::cout << "deleted group " << a->name << "\n";
              return 0;
            }
            if (a->action == "remove" && a->members.empty()) return usage_error("group remove: name the members");
            auto grp = a->action == "create" ? create_group(c, a->name, a->members)
                       : a->action == "add"  ? add_to_group(c, a->name, a->members)
                                             : remove_from_group(c, a->name, a->members);
            if (!grp) return report(grp.error());
            if (json) print_json_line(wire::to_json(*grp));
            else std::cout << group_line(*grp) << "\n";
            return 0;
          }};
}

}  // namespace

std::string Session::server_for(const std::string& profile_server) const {
  if (!g_.server.empty()) return g_.server;
  return profile_server.empty() ? kDefaultServer : profile_server;
}

Result<Connection*> Session::connection() {
  if (conn_) return conn_.get();
  MC_TRY(auto profile, load_profile(g_.home));
  if (profile.token.empty()) return Error::unauthenticated("not_logged_in", "log in first: msgc login NETWORK_ID");
  MC_TRY(conn_, Connection::open(server_for(profile.server), profile.token));
  return conn_.get();
}

std::vector<Command> command_table() {
  std::vector<Command> t;
  t.push_back(login_command(true));
  t.push_back(login_command(false));
  t.push_back(logout_command());
  t.push_back(whoami_command());
  t.push_back(settings_command());
  t.push_back(publish_command());
  t.push_back(catalog_command());
  t.push_back(get_command());
  t.push_back(open_command());
  t.push_back(send_command(false));
  t.push_back(send_command(true));
  t.push_back(receipts_command());
  t.push_back(inbox_command());
  t.push_back(group_command());
  return t;
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

}  // namespace mc::cli
