// msgc: the command-line terminal, a thin shell over libmsgcenter. This
// file builds the parser from the command table (commands.cpp) and runs
// the command chosen. Exit codes: 0 ok, 1 the command failed, 2 usage.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/random.hpp"

using namespace mc;
using namespace mc::cli;

namespace {

std::string default_home() {
  if (const char* h = std::getenv("MSGC_HOME")) return h;
  if (const char* h = std::getenv("HOME")) return std::string(h) + "/.msgcenter";
  return ".msgcenter";
}

}  // namespace

int main(int argc, char** argv) {
  init_crypto();
  std::signal(SIGPIPE, SIG_IGN);  // a closed connection is an error value, not a kill
  CLI::App app{"msgc: the msgcenter terminal"};
  app.set_version_flag("--version", "msgc 0.1.0");
  app.require_subcommand(1);
  Globals g;
  app.add_option("--server", g.server,
                 "server URL (also MSGC_SERVER; default: the profile's, else http://127.0.0.1:8080)");
  app.add_option("--home", g.home, "profile directory (also MSGC_HOME; default ~/.msgcenter)");
  app.add_flag("--json", g.json, "print data as JSON, one object per line");

  auto table = command_table();
  std::vector<std::pair<CLI::App*, const Command*>> subs;
  for (const auto& c : table) {
    auto* sub = app.add_subcommand(c.name, c.help);
    // Global options may follow the command too: `msgc inbox --follow --json`.
    sub->fallthrough();
    c.setup(*sub);
    subs.emplace_back(sub, &c);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, the version, or what is wrong
    return code == 0 ? 0 : 2;
  }
  if (g.home.empty()) g.home = default_home();
  if (g.server.empty()) {
    if (const char* s = std::getenv("MSGC_SERVER")) g.server = s;
  }
  Session session(g);
  try {
    for (auto& [sub, cmd] : subs) {
      if (sub->parsed()) return cmd->run(session);
    }
  } catch (const std::exception& e) {
    // libmsgcenter answers with errors, not exceptions; this is the last
    // guard against a library below it that throws.
    return report(Error::internal(std::string("unexpected failure: ") + e.what()));
  }
  return usage_error("name a command");
}
