// msgc's people commands: identity, contacts, friends, block, unblock, and
// how settings print. Each runs an operation of libmsgcenter's table.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "client/view/render_text.hpp"

namespace mc::cli {

namespace json = boost::json;

namespace {

std::string str_of(const json::value& v) {
  return v.is_string() ? client::terminal_safe(v.as_string()) : json::serialize(v);
}

// What other users wrote (names, messages) is shown, never obeyed: no
// control characters reach the terminal.
std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return "";
  if (v->is_string()) return client::terminal_safe(v->as_string());
  return json::serialize(*v);
}

// "ann (Ann Lee)" or "ann".
std::string person_line(const json::object& p) {
  std::string id = str(p, "network_id");
  std::string name = str(p, "display_name");
  return name.empty() ? id : id + " (" + name + ")";
}

std::string identifier_line(const json::object& id) {
  std::string s = str(id, "kind") + " " + str(id, "value") + ": " + str(id, "status");
  if (str(id, "status") == "pending") s += " (send the code with: msgc identity verify CODE)";
  return s;
}

Command identity_command() {
  struct Args {
    std::string action, a, b;
  };
  auto a = std::make_shared<Args>();
  return {"identity",
          "your phone number or e-mail address: add phone|email VALUE (a code is sent), verify CODE, remove "
          "phone|email, list",
          [a](CLI::App& c) {
            c.add_option("ACTION", a->action, "add, verify, remove or list")
                ->required()
                ->check(CLI::IsMember({"add", "verify", "remove", "list"}));
            c.add_option("KIND_OR_CODE", a->a, "add, remove: phone or email; verify: the code");
            c.add_option("VALUE", a->b, "add: the number or address");
          },
          [a](Session& s) {
            json::object req{{"action", a->action}};
            if (a->action == "add") {
              if (a->a.empty() || a->b.empty()) return usage_error("identity add: give phone|email and the value");
              req["kind"] = a->a;
              req["value"] = a->b;
            } else if (a->action == "verify") {
              if (a->a.empty()) return usage_error("identity verify: give the code you received");
              req["code"] = a->a;
            } else if (a->action == "remove") {
              if (a->a.empty()) return usage_error("identity remove: give phone or email");
              req["kind"] = a->a;
            }
            MC_CLI_CALL(answer, s, "identity", req);
            if (s.globals().json) {
              print_json_line(answer);
              return 0;
            }
            if (a->action == "remove") {
              std::cout << "removed your " << a->a << "\n";
            } else if (a->action == "list") {
              for (const auto& v : answer.at("identifiers").as_array()) {
                std::cout << identifier_line(v.as_object()) << "\n";
              }
            } else {
              std::cout << identifier_line(answer.at("identifier").as_object()) << "\n";
              if (a->action == "add") std::cout << "a code is on its way\n";
            }
            return 0;
          }};
}

void print_contacts(const json::array& list) {
  for (const auto& v : list) {
    const auto& c = v.as_object();
    std::cout << person_line(c);
    std::string names;
    for (const auto& n : c.at("names").as_array()) names += (names.empty() ? "" : ", ") + str_of(n);
    if (!names.empty()) std::cout << "  in your address book: " << names;
    std::cout << "\n";
  }
}

Command contacts_command() {
  struct Args {
    std::string action, file, region;
  };
  auto a = std::make_shared<Args>();
  return {"contacts",
          "your contacts: import FILE (a vCard or a Google/Outlook CSV export; no number or address leaves this "
          "terminal), or list them",
          [a](CLI::App& c) {
            c.add_option("ACTION", a->action, "import or list")->check(CLI::IsMember({"import", "list"}));
            c.add_option("FILE", a->file, "import: the address book file");
            c.add_option("--region", a->region,
                         "import: read numbers without a country code in this region (default: your settings')");
          },
          [a](Session& s) {
            json::object req{{"action", a->action.empty() ? "list" : a->action}};
            if (a->action == "import") {
              if (a->file.empty()) return usage_error("contacts import: name the address book file");
              req["path"] = a->file;
              if (!a->region.empty()) req["region"] = a->region;
            }
            MC_CLI_CALL(answer, s, "contacts", req);
            if (s.globals().json) {
              print_json_line(answer);
              return 0;
            }
            if (a->action != "import") {
              print_contacts(answer.at("contacts").as_array());
              return 0;
            }
            for (const auto& p : answer.at("problems").as_array()) {
              std::cerr << a->file << ":" << str(p.as_object(), "line")
                        << ": skipped: " << str(p.as_object(), "message") << "\n";
            }
            const auto& matches = answer.at("matches").as_array();
            std::cout << "read " << str(answer, "entries") << " entries (" << str(answer, "format") << "), "
                      << str(answer, "identifiers") << " numbers and addresses; " << matches.size()
                      << (matches.size() == 1 ? " contact" : " contacts") << " found\n";
            print_contacts(matches);
            return 0;
          }};
}

Command friends_command() {
  struct Args {
    std::string action, id, message;
  };
  auto a = std::make_shared<Args>();
  return {"friends", "your friends (no action), friend requests (requests), or add|accept|decline|cancel|remove ID",
          [a](CLI::App& c) {
            c.add_option("ACTION", a->action, "requests, add, accept, decline, cancel or remove")
                ->check(CLI::IsMember({"list", "requests", "add", "accept", "decline", "cancel", "remove"}));
            c.add_option("ID", a->id, "the other user's network ID");
            c.add_option("--message", a->message, "add: a message with the request");
          },
          [a](Session& s) {
            std::string action = a->action.empty() ? "list" : a->action;
            if (action != "list" && action != "requests" && a->id.empty()) {
              return usage_error("friends " + action + ": name the user");
            }
            json::object req{{"action", action}};
            if (!a->id.empty()) req["network_id"] = a->id;
            if (!a->message.empty()) req["message"] = a->message;
            MC_CLI_CALL(answer, s, "friends", req);
            if (s.globals().json) {
              print_json_line(answer);
              return 0;
            }
            if (action == "list") {
              for (const auto& f : answer.at("friends").as_array()) std::cout << person_line(f.as_object()) << "\n";
            } else if (action == "requests") {
              for (const auto& r : answer.at("incoming").as_array()) {
                const auto& o = r.as_object();
                std::cout << "from " << str(o, "from") << (o.at("message").as_string().empty() ? "" : ": ")
                          << str(o, "message") << "  (msgc friends accept|decline " << str(o, "from") << ")\n";
              }
              for (const auto& r : answer.at("outgoing").as_array()) {
                std::cout << "to " << str(r.as_object(), "to") << ", waiting\n";
              }
            } else if (action == "add") {
              std::cout << (str(answer, "status") == "accepted" ? "you are now friends with " : "asked ") << a->id
                        << "\n";
            } else if (action == "accept") {
              std::cout << "you are now friends with " << a->id << "\n";
            } else {
              std::cout << "done\n";
            }
            return 0;
          }};
}

Command block_command(bool block) {
  struct Args {
    std::string id;
    bool list = false;
  };
  auto a = std::make_shared<Args>();
  return {block ? "block" : "unblock",
          block ? "stop a user's shares, forwards and friend requests, and their finding you (--list: whom you block)"
                : "undo a block",
          [a, block](CLI::App& c) {
            c.add_option("ID", a->id, "the user's network ID");
            if (block) c.add_flag("--list", a->list, "list the users you block");
          },
          [a, block](Session& s) {
            if (a->list) {
              MC_CLI_CALL(answer, s, "blocked", {});
              if (s.globals().json) {
                print_json_line(answer);
                return 0;
              }
              for (const auto& p : answer.at("blocked").as_array()) std::cout << person_line(p.as_object()) << "\n";
              return 0;
            }
            if (a->id.empty()) return usage_error(std::string(block ? "block" : "unblock") + ": name the user");
            MC_CLI_CALL(answer, s, block ? "block" : "unblock", {{"network_id", a->id}});
            if (s.globals().json) print_json_line(answer);
            else std::cout << (block ? "blocked " : "unblocked ") << a->id << "\n";
            return 0;
          }};
}

}  // namespace

void print_settings(const json::object& answer, std::ostream& out) {
  out << "receipts: " << (answer.at("send_receipts").as_bool() ? "on" : "off") << "\n";
  if (!answer.contains("who_may_share")) return;
  out << "name: " << str(answer, "display_name") << "\n";
  out << "region: " << (str(answer, "region").empty() ? "(none)" : str(answer, "region")) << "\n";
  std::string findable;
  for (const auto& f : answer.at("findable").as_array()) findable += (findable.empty() ? "" : ",") + str_of(f);
  out << "findable: " << (findable.empty() ? "none" : findable) << "\n";
  out << "who may share: " << str(answer, "who_may_share") << "\n";
  out << "who may request: " << str(answer, "who_may_request") << "\n";
  for (const auto& id : answer.at("identifiers").as_array()) out << identifier_line(id.as_object()) << "\n";
}

std::vector<Command> people_commands() {
  return {identity_command(), contacts_command(), friends_command(), block_command(true), block_command(false)};
}

}  // namespace mc::cli
