// The msgc commands, as one table: each entry names a command, declares its
// arguments on its CLI11 subcommand, and runs it as an operation of
// libmsgcenter's table (client/api/operations.hpp), the same one the C API
// calls, so that msgc and an embedding app cannot drift apart. main.cpp
// only builds the parser from the table and runs what was chosen.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/api/message_center.hpp"
#include "core/error.hpp"

namespace CLI {
class App;
}

namespace mc::cli {

// The global options, valid before or after the command's name.
struct Globals {
  std::string server;  // --server, else MSGC_SERVER, else the profile's
  std::string home;    // --home, else MSGC_HOME, else ~/.msgcenter
  bool json = false;   // --json: one JSON object per line
};

// What a running command has: the global options and the message center
// of the profile under --home.
class Session {
 public:
  explicit Session(Globals g) : g_(std::move(g)) {}
  const Globals& globals() const { return g_; }
  // Runs an operation of libmsgcenter's table.
  Result<boost::json::object> call(std::string_view operation, const boost::json::object& request,
                                   const client::CallOptions& options = {});
  Result<client::MessageCenter*> center();

 private:
  Globals g_;
  std::unique_ptr<client::MessageCenter> center_;
};

struct Command {
  std::string name;
  std::string help;
  // Declares the command's arguments on its subcommand.
  std::function<void(CLI::App&)> setup;
  // Runs it; returns the exit code (0 ok, 1 failed, 2 usage).
  std::function<int(Session&)> run;
};

std::vector<Command> command_table();
// identity, contacts, friends, block, unblock (people_commands.cpp).
std::vector<Command> people_commands();
// campaign, push, why, dismiss, recommendations (push_commands.cpp).
std::vector<Command> push_commands();
// The settings answer, one line per setting.
void print_settings(const boost::json::object& answer, std::ostream& out);

std::vector<std::string> split_list(const std::string& s);

// Runs an operation; on error reports it (output.hpp) and returns from the
// command. Declares `answer` as the operation's JSON object.
#define MC_CLI_CALL(answer, session, ...)             \
  auto answer##_r = (session).call(__VA_ARGS__);      \
  if (!answer##_r) return report(answer##_r.error()); \
  boost::json::object& answer = *answer##_r

}  // namespace mc::cli
