#include "cli/commands.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <csignal>
#include <iostream>
#include <set>

#include "cli/output.hpp"
#include "cli/password_prompt.hpp"
#include "cli/progress_bar.hpp"
#include "client/view/render_text.hpp"
#include "core/wire/codec.hpp"

namespace mc::cli {

using namespace mc::client;
namespace json = boost::json;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

// Reads a record of the answer for a human line; a shape we cannot read is
// reported, not thrown.
#define MC_CLI_READ(T, var, value)              \
  auto var##_r = wire::from_json<T>(value);     \
  if (!var##_r) return report(var##_r.error()); \
  T& var = *var##_r

void print_answer(const json::object& o) { print_json_line(o); }

// The handler publishing keys a login or an open pinned, for the user to
// compare with what the provider publishes.
void print_pinned_keys(const json::object& answer, std::ostream& out) {
  const auto* keys = answer.if_contains("pinned_handler_keys");
  if (!keys) return;
  for (const auto& k : keys->as_array()) {
    out << "pinned the provider's handler publishing key " << json::value_to<std::string>(k)
        << " (compare it with the one the provider publishes)\n";
  }
}

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
        // The profile must be readable before a password is asked for.
        if (auto center = s.center(); !center) return report(center.error());
        auto pw = read_password("password for " + *id + ": ");
        if (!pw) return report(pw.error());
        MC_CLI_CALL(answer, s, register_first ? "register" : "login", {{"network_id", *id}, {"password", *pw}});
        if (s.globals().json) {
          print_answer(answer);
        } else {
          const auto& o = answer;
          std::cout << (register_first ? "registered and logged in as " : "logged in as ")
                    << json::value_to<std::string>(o.at("network_id")) << " ("
                    << json::value_to<std::string>(o.at("role")) << ") at "
                    << json::value_to<std::string>(o.at("server")) << "\n";
          print_pinned_keys(o, std::cout);
        }
        return 0;
      }};
}

Command logout_command() {
  return {"logout", "end this login", [](CLI::App&) {},
          [](Session& s) {
            MC_CLI_CALL(answer, s, "logout", {});
            (void)answer;
            if (!s.globals().json) std::cout << "logged out\n";
            return 0;
          }};
}

Command close_account_command() {
  return {"close-account",
          "close your account: your inbox, contacts, friends, groups, signals and settings go, and nobody can use "
          "your network ID again (password from stdin or a prompt)",
          [](CLI::App&) {},
          [](Session& s) {
            auto center = s.center();
            if (!center) return report(center.error());
            const std::string who = (*center)->profile().network_id;
            if (who.empty()) return report(Error::unauthenticated("not_logged_in", "log in first"));
            auto pw = read_password("password for " + who + " (this closes the account): ");
            if (!pw) return report(pw.error());
            MC_CLI_CALL(answer, s, "close_account", {{"password", *pw}});
            if (s.globals().json) {
              print_answer(answer);
            } else {
              std::cout << "closed the account " << who << "\n";
            }
            return 0;
          }};
}

Command whoami_command() {
  return {"whoami", "show who is logged in", [](CLI::App&) {},
          [](Session& s) {
            MC_CLI_CALL(answer, s, "whoami", {});
            if (s.globals().json) {
              print_answer(answer);
              return 0;
            }
            MC_CLI_READ(wire::User, u, answer);
            std::cout << u.network_id << " (" << role_name(u.role) << "), device " << u.device_id.value_or("-") << "\n";
            return 0;
          }};
}

Command settings_command() {
  struct Args {
    std::string receipts, name, region, findable, who_may_share, who_may_request;
  };
  auto a = std::make_shared<Args>();
  return {"settings", "show or change your settings",
          [a](CLI::App& c) {
            c.add_option("--receipts", a->receipts, "on: senders see when you received and opened their shares")
                ->check(CLI::IsMember({"on", "off"}));
            c.add_option("--name", a->name, "your display name");
            c.add_option("--region", a->region,
                         "your country (ISO 3166 code, such as DE): numbers without a country code are read in it");
            c.add_option("--findable", a->findable,
                         "who has your confirmed number or address in their address book finds you: phone, email, "
                         "phone,email or none");
            c.add_option("--who-may-share", a->who_may_share, "who may share with you: everyone, contacts, friends")
                ->check(CLI::IsMember({"everyone", "contacts", "friends"}));
            c.add_option("--who-may-request", a->who_may_request,
                         "who may send you friend requests: everyone, contacts, nobody")
                ->check(CLI::IsMember({"everyone", "contacts", "nobody"}));
          },
          [a](Session& s) {
            json::object req;
            if (!a->receipts.empty()) req["receipts"] = a->receipts == "on";
            if (!a->name.empty()) req["display_name"] = a->name;
            if (!a->region.empty()) req["region"] = a->region;
            if (!a->findable.empty()) {
              auto list = split_list(a->findable);
              if (list == std::vector<std::string>{"none"}) list.clear();
              req["findable"] = json::value_from(list);
            }
            if (!a->who_may_share.empty()) req["who_may_share"] = a->who_may_share;
            if (!a->who_may_request.empty()) req["who_may_request"] = a->who_may_request;
            MC_CLI_CALL(answer, s, "settings", req);
            if (s.globals().json) {
              print_answer(answer);
              return 0;
            }
            print_settings(answer, std::cout);
            return 0;
          }};
}

// ---- catalog -------------------------------------------------------------------

// A progress bar on a terminal's stderr, for calls that download.
struct Progress {
  explicit Progress(bool json) : show(!json && isatty(STDERR_FILENO)) {}
  CallOptions options() {
    CallOptions o;
    o.progress = [this](std::uint64_t d, std::uint64_t t) {
      if (show) bar.update(d, t);
    };
    return o;
  }
  void finish() {
    if (show) bar.finish();
    show = false;
  }
  ~Progress() { finish(); }
  bool show;
  ProgressBar bar;
};

// The resource model's flags, shared by publish and resource update.
struct ModelFlags {
  std::string description, access, share_access_seconds, attributes;
  bool shareable = false, not_shareable = false;

  void add(CLI::App& c) {
    c.add_option("--description", description, "what it is (up to 4,000 bytes)");
    c.add_option("--access", access, "public (every user) or restricted (granted users and share recipients)")
        ->check(CLI::IsMember({"public", "restricted"}));
    c.add_flag("--shareable", shareable, "recipients of a share may read it (the default)");
    c.add_flag("--not-shareable", not_shareable, "only granted users may read it when restricted");
    c.add_option("--share-access-seconds", share_access_seconds,
                 "how long a share gives access to a restricted resource (\"none\": while the share stands)");
    c.add_option("--attributes", attributes, "the kind's attributes as a JSON object (docs/protocol.md)");
  }
  // Error text, or "" when the flags make sense together.
  std::string fill(json::object& req) const {
    if (shareable && not_shareable) return "--shareable and --not-shareable contradict each other";
    if (!description.empty()) req["description"] = description;
    if (!access.empty()) req["access"] = access;
    if (shareable || not_shareable) req["shareable"] = shareable;
    if (share_access_seconds == "none") {
      req["share_access_seconds"] = nullptr;
    } else if (!share_access_seconds.empty()) {
      std::int64_t n = 0;
      auto [p, ec] =
          std::from_chars(share_access_seconds.data(), share_access_seconds.data() + share_access_seconds.size(), n);
      if (ec != std::errc() || p != share_access_seconds.data() + share_access_seconds.size()) {
        return "--share-access-seconds takes a number of seconds or \"none\"";
      }
      req["share_access_seconds"] = n;
    }
    if (!attributes.empty()) req["attributes"] = attributes;
    return "";
  }
};

int usage_error(const std::string& message) {
  std::cerr << "msgc: " << message << "\n";
  return 2;
}

Command publish_command() {
  struct Args {
    std::string path, type, title, tags, mime;
    ModelFlags model;
  };
  auto a = std::make_shared<Args>();
  return {"publish", "publish a file as a resource (provider accounts)",
          [a](CLI::App& c) {
            c.add_option("FILE", a->path, "file to publish")->required();
            c.add_option("--type", a->type, "video, music, novel, game, product, webpage or file")->required();
            c.add_option("--title", a->title, "title")->required();
            c.add_option("--tags", a->tags, "comma-separated tags");
            c.add_option("--mime", a->mime, "media type (default: by type)");
            a->model.add(c);
          },
          [a](Session& s) {
            json::object req{{"path", a->path},
                             {"type", a->type},
                             {"title", a->title},
                             {"tags", json::value_from(split_list(a->tags))}};
            if (!a->mime.empty()) req["mime"] = a->mime;
            if (auto bad = a->model.fill(req); !bad.empty()) return usage_error(bad);
            Progress progress(s.globals().json);
            auto r = s.call("publish", req, progress.options());
            progress.finish();  // the bar's line ends before anything else is printed
            if (!r) return report(r.error());
            json::object& answer = *r;
            if (s.globals().json) {
              print_answer(answer);
            } else {
              std::cout << json::value_to<std::string>(answer.at("id")) << "\n";
              if (!answer.at("uploaded").as_bool()) {
                std::cerr << "(you uploaded these bytes before: nothing was uploaded)\n";
              }
            }
            return 0;
          }};
}

Command catalog_command() {
  struct Args {
    std::string type, tag, search, sort, cursor;
    std::int64_t after = -1;
    std::int64_t limit = 50;
    bool ids_only = false;
  };
  auto a = std::make_shared<Args>();
  return {"catalog", "browse and search the provider's resources",
          [a](CLI::App& c) {
            c.add_option("--type", a->type, "only this type");
            c.add_option("--tag", a->tag, "only resources with this tag");
            c.add_option("--search", a->search, "full text over titles, tags and descriptions (Chinese too)");
            c.add_option("--sort", a->sort, "new (default), popular, or relevance (default with --search)")
                ->check(CLI::IsMember({"new", "popular", "relevance"}));
            c.add_option("--cursor", a->cursor, "the next page (printed at the end of a page)");
            c.add_option("--after", a->after, "publishing order after this position (the older listing)");
            c.add_option("--limit", a->limit, "at most this many (default 50)")->check(CLI::PositiveNumber);
            c.add_flag("-q,--quiet", a->ids_only, "print only resource ids, one per line");
          },
          [a](Session& s) {
            json::object req{{"limit", a->limit}};
            if (a->after >= 0) req["after"] = a->after;
            if (!a->type.empty()) req["type"] = a->type;
            if (!a->tag.empty()) req["tag"] = a->tag;
            if (!a->search.empty()) req["search"] = a->search;
            if (!a->sort.empty()) req["sort"] = a->sort;
            if (!a->cursor.empty()) req["cursor"] = a->cursor;
            MC_CLI_CALL(answer, s, "catalog", req);
            MC_CLI_READ(wire::ResourcePage, page, answer);
            bool json = s.globals().json;
            for (const auto& r : page.resources) {
              if (json) print_json_line(wire::to_json(r));
              else if (a->ids_only) std::cout << r.id << "\n";
              else std::cout << resource_line(r) << "\n";
            }
            if (!json && !a->ids_only && page.next_after) {
              std::cout << "(more: msgc catalog --after " << *page.next_after << ")\n";
            }
            if (!json && !a->ids_only && page.next_cursor) {
              std::cout << "(more: msgc catalog --cursor " << *page.next_cursor << " with the same filters)\n";
            }
            return 0;
          }};
}

// msgc resource ID | resource update|unpublish|grant|ungrant|grants ID [USER]
Command resource_command() {
  struct Args {
    std::vector<std::string> words;
    std::string title, tags;
    bool set_tags = false;
    ModelFlags model;
  };
  auto a = std::make_shared<Args>();
  return {"resource", "describe a resource; its provider: update, unpublish, grant USER, ungrant USER, grants",
          [a](CLI::App& c) {
            c.add_option("ARGS", a->words, "ID, or update|unpublish|grants ID, or grant|ungrant ID USER")
                ->required()
                ->expected(1, 3);
            c.add_option("--title", a->title, "update: the new title");
            c.add_option("--tags", a->tags, "update: the new comma-separated tags (\"\" for none)")
                ->each([a](const std::string&) { a->set_tags = true; });
            a->model.add(c);
          },
          [a](Session& s) {
            static const std::set<std::string> kActions = {"update", "unpublish", "grant", "ungrant", "grants"};
            const auto& w = a->words;
            json::object req;
            std::string action = "describe";
            if (kActions.contains(w[0])) {
              action = w[0];
              std::size_t want = action == "grant" || action == "ungrant" ? 3 : 2;
              if (w.size() != want) {
                return usage_error("usage: msgc resource " + action + " ID" + (want == 3 ? " USER" : ""));
              }
              req["id"] = w[1];
              if (want == 3) req["network_id"] = w[2];
            } else {
              if (w.size() != 1) return usage_error("usage: msgc resource ID (or update|unpublish|grants ID)");
              req["id"] = w[0];
            }
            req["action"] = action;
            if (action == "update") {
              if (!a->title.empty()) req["title"] = a->title;
              if (a->set_tags) req["tags"] = json::value_from(split_list(a->tags));
              if (auto bad = a->model.fill(req); !bad.empty()) return usage_error(bad);
            }
            MC_CLI_CALL(answer, s, "resource", req);
            if (s.globals().json) {
              print_answer(answer);
              return 0;
            }
            if (action == "grants") {
              for (const auto& g : answer.at("grants").as_array()) std::cout << json::value_to<std::string>(g) << "\n";
            } else if (action == "grant" || action == "ungrant") {
              std::cout << (action == "grant" ? "granted " : "withdrew the grant of ") << w[1]
                        << (action == "grant" ? " to " : " from ") << w[2] << "\n";
            } else {
              MC_CLI_READ(wire::Resource, r, answer);
              std::cout << resource_details(r);
            }
            return 0;
          }};
}

Command link_command() {
  auto id = std::make_shared<std::string>();
  auto expires = std::make_shared<std::int64_t>(0);
  return {"link", "a download link that works without a login (for players, browsers, curl -C -, wget -c)",
          [id, expires](CLI::App& c) {
            c.add_option("ID", *id, "resource id")->required();
            c.add_option("--expires-in", *expires, "seconds it works (1 to 86400; default 86400)")
                ->check(CLI::Range(1, 86400));
          },
          [id, expires](Session& s) {
            json::object req{{"id", *id}};
            if (*expires > 0) req["expires_in"] = *expires;
            MC_CLI_CALL(answer, s, "link", req);
            if (s.globals().json) print_answer(answer);
            else std::cout << json::value_to<std::string>(answer.at("url")) << "\n";
            return 0;
          }};
}

Command revoke_command() {
  auto id = std::make_shared<std::string>();
  return {"revoke", "revoke a share you sent: its recipients (and those it was forwarded to) lose the access it gave",
          [id](CLI::App& c) { c.add_option("SHARE_ID", *id)->required(); },
          [id](Session& s) {
            MC_CLI_CALL(answer, s, "revoke", {{"share_id", *id}});
            if (s.globals().json) print_answer(answer);
            else std::cout << "revoked " << *id << "\n";
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
            json::object req{{"id", a->id}};
            if (!a->out.empty()) req["path"] = a->out;
            bool json = s.globals().json;
            Progress progress(json);
            auto r = s.call("get", req, progress.options());
            progress.finish();  // the bar's line ends before anything else is printed
            if (!r) return report(r.error());
            const json::object& answer = *r;
            if (json) {
              print_answer(answer);
              return 0;
            }
            const auto& o = answer;
            std::cout << "saved " << json::value_to<std::string>(o.at("path")) << " ("
                      << human_size(json::value_to<std::int64_t>(o.at("size"))) << ", sha256 verified"
                      << (json::value_to<std::int64_t>(o.at("resumed_from")) ? ", resumed" : "") << ")\n";
            return 0;
          }};
}

// Columns to render for: --width, else the terminal's, else 80.
int output_width(int requested) {
  if (requested > 0) return requested;
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) {
    return std::min<int>(ws.ws_col, 1000);  // the most the open operation renders
  }
  return 80;
}

// Input and intermediate views of an interactive handler: lines from
// stdin (a prompt on stderr when it is a terminal), views as text, or as
// {"show": VIEW} lines with --json.
void interactive_options(CallOptions& o, bool json) {
  o.input = [](const std::string& prompt) -> std::optional<std::string> {
    // The prompt is the handler's text: no control sequence reaches the terminal.
    if (isatty(STDIN_FILENO)) std::cerr << terminal_safe(prompt.substr(0, 200)) << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > 4096) line.resize(4096);  // a move, not a file
    return line;
  };
  o.show = [json](const json::object& shown) {
    if (json) {
      print_json_line(json::object{{"show", shown.at("view")}});
    } else if (const auto* text = shown.if_contains("text")) {
      std::cout << json::value_to<std::string>(*text) << std::flush;
    }
  };
}

Command open_command() {
  struct Args {
    std::string id;
    int link = 0;
    int width = 0;
    int page = 0;
  };
  auto a = std::make_shared<Args>();
  return {"open",
          "open a resource or inbox item: web pages in the built-in browser, other kinds with the provider's signed "
          "handlers (fetched when missing), text in the viewer; a game reads its moves from stdin",
          [a](CLI::App& c) {
            c.add_option("ID", a->id, "a resource id (r_...) or an inbox item id (i_...)")->required();
            c.add_option("--link", a->link, "follow link N of the page (the numbers shown in [N])")
                ->check(CLI::PositiveNumber);
            c.add_option("--width", a->width, "wrap text to this many columns (default: the terminal's, else 80)")
                ->check(CLI::Range(20, 1000));
            c.add_option("--page", a->page, "show page N of a paged view (a novel)")->check(CLI::PositiveNumber);
          },
          [a](Session& s) {
            const Globals& g = s.globals();
            json::object req{{"id", a->id}};
            if (a->link > 0) req["link"] = a->link;
            if (a->page > 0) req["page"] = a->page;
            if (!g.json) req["width"] = output_width(a->width);  // the library renders the text
            Progress progress(g.json);
            CallOptions options = progress.options();
            interactive_options(options, g.json);
            auto r = s.call("open", req, options);
            progress.finish();
            if (!r) return report(r.error());
            if (g.json) {
              print_answer(*r);
              return 0;
            }
            const auto& o = *r;
            const json::object* followed = o.contains("followed") ? &o.at("followed").as_object() : nullptr;
            if (!o.contains("view")) {  // a link out of the catalog, not fetched
              std::cout << "link " << followed->at("n").as_int64() << " leads out of the catalog: "
                        << terminal_safe(json::value_to<std::string>(followed->at("href")))
                        << "\n(not fetched: to let msgc fetch pages from other sites, set fetch_external = true "
                           "under [browser] in "
                        << g.home << "/config.toml)\n";
              return 0;
            }
            if (o.contains("handler") && o.at("handler_installed").as_bool()) {
              std::cerr << "installed handler " << json::value_to<std::string>(o.at("handler"))
                        << " from the provider's store (signature verified)\n";
            }
            if (o.contains("offline")) std::cerr << "the server cannot be reached: opened what is stored here\n";
            print_pinned_keys(o, std::cerr);
            if (const auto* refused = o.if_contains("handler_refused")) {
              std::cerr << "warning: " << terminal_safe(json::value_to<std::string>(refused->at("message"))) << " ("
                        << json::value_to<std::string>(refused->at("code")) << ")\n";
            }
            if (followed) {
              const auto* rid = followed->if_contains("resource_id");
              std::string what = rid ? "resource " + json::value_to<std::string>(*rid)
                                     : json::value_to<std::string>(followed->at("href"));
              std::cerr << "link " << followed->at("n").as_int64() << ": " << terminal_safe(what) << "\n";
            }
            std::cout << json::value_to<std::string>(o.at("text"));
            return 0;
          }};
}

// ---- shares ----------------------------------------------------------------------

// share and forward take the same recipients and note.
Command send_command(bool forward) {
  struct Args {
    std::string id, to, groups, note;
    bool to_friends = false, to_contacts = false;
  };
  auto a = std::make_shared<Args>();
  return {forward ? "forward" : "share",
          forward ? "forward a received item; recipients see where it came from"
                  : "share a resource with users and groups",
          [a, forward](CLI::App& c) {
            c.add_option(forward ? "ITEM_ID" : "RESOURCE_ID", a->id)->required();
            c.add_option("--to", a->to, "network IDs, comma-separated");
            c.add_option("--to-group", a->groups, "names of your groups, comma-separated");
            c.add_flag("--to-friends", a->to_friends, "all your friends");
            c.add_flag("--to-contacts", a->to_contacts, "all the contacts your address book matched");
            c.add_option("--note", a->note, "a note for the recipients");
          },
          [a, forward](Session& s) {
            json::object req{{forward ? "item_id" : "resource_id", a->id},
                             {"to", json::value_from(split_list(a->to))},
                             {"to_groups", json::value_from(split_list(a->groups))}};
            if (!a->note.empty()) req["note"] = a->note;
            if (a->to_friends) req["to_friends"] = true;
            if (a->to_contacts) req["to_contacts"] = true;
            MC_CLI_CALL(answer, s, forward ? "forward" : "share", req);
            if (s.globals().json) {
              print_answer(answer);
              return 0;
            }
            std::cout << json::value_to<std::string>(answer.at("id"));
            // Recipients who do not accept shares from you (a block looks the same).
            if (const auto* refused = answer.if_contains("refused"); refused && refused->is_array()) {
              std::cout << " (not accepted by";
              for (const auto& r : refused->as_array()) std::cout << " " << json::value_to<std::string>(r);
              std::cout << ")";
            }
            std::cout << "\n";
            return 0;
          }};
}

Command receipts_command() {
  auto id = std::make_shared<std::string>();
  return {"receipts", "who received and opened a share you sent",
          [id](CLI::App& c) { c.add_option("SHARE_ID", *id)->required(); },
          [id](Session& s) {
            MC_CLI_CALL(answer, s, "receipts", {{"share_id", *id}});
            MC_CLI_READ(wire::ShareReceipts, list, answer);
            for (const auto& r : list.receipts) {
              if (s.globals().json) print_json_line(wire::to_json(r));
              else std::cout << receipt_line(r) << "\n";
            }
            return 0;
          }};
}

// ---- inbox and groups ---------------------------------------------------------------

// inbox --follow: the "follow" operation, printing its events' items until
// Ctrl-C, or until the follow stops with an error (a login that ended).
int follow_inbox_live(Session& s, std::optional<std::int64_t> after,
                      const std::function<void(const wire::InboxItem&)>& print) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  json::object req;
  if (after) req["after"] = *after;
  MC_CLI_CALL(started, s, "follow", req);
  (void)started;
  auto center = s.center();
  int code = 0;
  // Prints an item event; returns whether the follow stopped (and how).
  auto handle = [&](const json::object& e) -> bool {
    std::string type = json::value_to<std::string>(e.at("type"));
    if (type == "item" || type == "push") {
      auto item = wire::from_json<wire::InboxItem>(e.at("item"));
      if (!item) code = report(item.error());
      else print(*item);
      return false;
    }
    if (type == "connection" && e.at("state").as_string() == "stopped") {
      if (const auto* err = e.if_contains("error")) {
        code = report(Error{ErrorKind::kUnavailable, json::value_to<std::string>(err->at("code")),
                            json::value_to<std::string>(err->at("message"))});
      }
      return true;
    }
    return false;
  };
  bool stopped = false;
  while (!g_stop && !stopped) {
    auto event = (*center)->next_event(std::chrono::milliseconds(200));
    if (!event) return report(event.error());
    if (*event) stopped = handle(**event);
  }
  (void)s.call("unfollow", {});
  // Items stored before Ctrl-C but not yet printed: a later follow skips
  // what this profile stored, so they are printed now or never.
  for (;;) {
    auto event = (*center)->next_event(std::chrono::milliseconds(0));
    if (!event || !*event) break;
    handle(**event);
  }
  return code;
}

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
            const Globals& g = s.globals();
            auto print = [&](const wire::InboxItem& item) {
              if (g.json) print_json_line(wire::to_json(item));
              else std::cout << item_line(item) << std::endl;
            };
            bool has_after = a->after_opt && a->after_opt->count() > 0;
            if (a->follow) return follow_inbox_live(s, has_after ? std::optional(a->after) : std::nullopt, print);
            MC_CLI_CALL(answer, s, "inbox", {{"after", has_after ? a->after : 0}, {"limit", a->limit}});
            MC_CLI_READ(wire::InboxPage, page, answer);
            for (const auto& it : page.items) print(it);
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
            if (a->action == "remove" && a->members.empty()) return usage_error("group remove: name the members");
            json::object req{{"action", a->action}, {"members", json::value_from(a->members)}};
            if (!a->name.empty()) req["name"] = a->name;
            MC_CLI_CALL(answer, s, "group", req);
            bool json = s.globals().json;
            if (a->action == "list") {
              for (const auto& v : answer.at("groups").as_array()) {
                MC_CLI_READ(wire::Group, grp, v);
                if (json) print_json_line(wire::to_json(grp));
                else std::cout << group_line(grp) << "\n";
              }
              return 0;
            }
            if (a->action == "delete") {
              if (!json) std::cout << "deleted group " << a->name << "\n";
              return 0;
            }
            if (json) {
              print_answer(answer);
              return 0;
            }
            MC_CLI_READ(wire::Group, grp, answer);
            std::cout << group_line(grp) << "\n";
            return 0;
          }};
}

// ---- handlers -----------------------------------------------------------------------

Command handler_command() {
  struct Args {
    std::string action, path, file, key, type, mime, title;
    int page = 0;
    int width = 0;
  };
  auto a = std::make_shared<Args>();
  return {"handler",
          "handler packages: keygen FILE (a publishing key pair: FILE secret, FILE.pub public); publish DIR --key "
          "FILE (sign a handler folder and upload it); run DIR FILE (try a handler folder on a local file)",
          [a](CLI::App& c) {
            c.add_option("ACTION", a->action, "keygen, publish or run")
                ->required()
                ->check(CLI::IsMember({"keygen", "publish", "run"}));
            c.add_option("PATH", a->path, "keygen: where the secret key goes; publish, run: the handler's folder")
                ->required();
            c.add_option("FILE", a->file, "run: the file to open");
            c.add_option("--key", a->key, "publish: the secret key file (msgc handler keygen)");
            c.add_option("--type", a->type, "run: the resource's kind (default: the manifest's first)");
            c.add_option("--mime", a->mime, "run: the resource's MIME type");
            c.add_option("--title", a->title, "run: the resource's title (default: the file's name)");
            c.add_option("--page", a->page, "run: the page to show")->check(CLI::PositiveNumber);
            c.add_option("--width", a->width, "run: wrap text to this many columns")->check(CLI::Range(20, 1000));
          },
          [a](Session& s) {
            const Globals& g = s.globals();
            json::object req{{"action", a->action}, {"path", a->path}};
            if (a->action == "publish") {
              if (a->key.empty()) return usage_error("handler publish needs --key FILE (the secret key)");
              req["key"] = a->key;
            }
            CallOptions options;
            if (a->action == "run") {
              if (a->file.empty()) return usage_error("handler run needs the FILE to open");
              req["file"] = a->file;
              if (!a->type.empty()) req["type"] = a->type;
              if (!a->mime.empty()) req["mime"] = a->mime;
              if (!a->title.empty()) req["title"] = a->title;
              if (a->page > 0) req["page"] = a->page;
              if (!g.json) req["width"] = output_width(a->width);
              interactive_options(options, g.json);
            }
            auto r = s.call("handler", req, options);
            if (!r) return report(r.error());
            const auto& answer = *r;
            if (g.json) {
              print_answer(answer);
              return 0;
            }
            if (a->action == "run") {
              std::cout << json::value_to<std::string>(answer.at("text"));
              return 0;
            }
            if (a->action == "publish") {
              MC_CLI_READ(wire::Handler, h, answer.at("handler"));
              std::cout << "published " << h.name << " " << h.version << " (" << h.size << " bytes, sha256 " << h.sha256
                        << ", signed by key " << h.key_id << ")\n";
              return 0;
            }
            std::cout << "secret key: " << json::value_to<std::string>(answer.at("secret_key_path"))
                      << " (keep it off the server)\npublic key: "
                      << json::value_to<std::string>(answer.at("public_key_path"))
                      << " (for the operator of msgcenterd to register)\nkey id: "
                      << json::value_to<std::string>(answer.at("key_id")) << "\n";
            return 0;
          }};
}

Command handlers_command() {
  struct Args {
    std::string action = "list", name;
  };
  auto a = std::make_shared<Args>();
  return {
      "handlers", "the handlers installed here: list (default), remove NAME, update (to the store's newest)",
      [a](CLI::App& c) {
        c.add_option("ACTION", a->action, "list, remove or update")->check(CLI::IsMember({"list", "remove", "update"}));
        c.add_option("NAME", a->name, "remove: the handler's name");
      },
      [a](Session& s) {
        json::object req{{"action", a->action}};
        if (a->action == "remove") {
          if (a->name.empty()) return usage_error("handlers remove needs the handler's NAME");
          req["name"] = a->name;
        }
        MC_CLI_CALL(answer, s, "handlers", req);
        if (s.globals().json) {
          print_answer(answer);
          return 0;
        }
        if (a->action == "remove") {
          std::cout << "removed " << a->name << "\n";
          return 0;
        }
        for (const auto& v : answer.at("handlers").as_array()) {
          const auto& h = v.as_object();
          std::string name = json::value_to<std::string>(h.at("name"));
          if (a->action == "list") {
            std::cout << name << " " << json::value_to<std::string>(h.at("version")) << " (key "
                      << json::value_to<std::string>(h.at("key_id")) << ")\n";
          } else {
            std::string status = json::value_to<std::string>(h.at("status"));
            std::cout << name << " " << json::value_to<std::string>(h.at("from"));
            if (status == "updated") std::cout << " -> " << json::value_to<std::string>(h.at("to"));
            if (status == "current") std::cout << ": up to date";
            if (status == "failed") {
              std::cout << ": kept; the update failed: "
                        << terminal_safe(json::value_to<std::string>(h.at("error").at("message")));
            }
            std::cout << "\n";
          }
        }
        if (a->action == "list") {
          for (const auto& k : answer.at("pinned_keys").as_array()) {
            std::cout << "trusted publishing key " << json::value_to<std::string>(k)
                      << (answer.at("keys_from_config").as_bool() ? " (from config.toml)" : " (pinned)") << "\n";
          }
        }
        return 0;
      }};
}

}  // namespace

Result<MessageCenter*> Session::center() {
  if (!center_) {
    // msgc makes --home when it first writes there (a login), not when a
    // mistyped --home is merely read.
    MC_TRY(center_, MessageCenter::open(MessageCenterConfig{g_.home, g_.server, "", false}));
  }
  return center_.get();
}

Result<json::object> Session::call(std::string_view operation, const json::object& request,
                                   const CallOptions& options) {
  MC_TRY(auto* center, this->center());
  return center->call(operation, request, options);
}

std::vector<Command> command_table() {
  std::vector<Command> t;
  t.push_back(login_command(true));
  t.push_back(login_command(false));
  t.push_back(logout_command());
  t.push_back(whoami_command());
  t.push_back(close_account_command());
  t.push_back(settings_command());
  t.push_back(publish_command());
  t.push_back(catalog_command());
  t.push_back(resource_command());
  t.push_back(link_command());
  t.push_back(revoke_command());
  t.push_back(get_command());
  t.push_back(open_command());
  t.push_back(send_command(false));
  t.push_back(send_command(true));
  t.push_back(receipts_command());
  t.push_back(inbox_command());
  t.push_back(group_command());
  for (auto& c : people_commands()) t.push_back(std::move(c));
  for (auto& c : push_commands()) t.push_back(std::move(c));
  t.push_back(handlers_command());
  t.push_back(handler_command());
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
