// msgcenterd: the provider's server.
//   msgcenterd [--listen HOST:PORT] [--data DIR] [--config FILE] ...
//   msgcenterd --data DIR user add NAME --role provider   (password on stdin)
//   msgcenterd --data DIR handler-key add FILE.pub
//   msgcenterd --data DIR recommend [eval --events FILE.csv [--json]]
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "core/random.hpp"
#include "server/accounts/admin_commands.hpp"
#include "server/app/app.hpp"
#include "server/config.hpp"
#include "server/handlers/key_commands.hpp"
#include "server/push/recommend_commands.hpp"

int main(int argc, char** argv) {
  using namespace mc;
  using namespace mc::server;
  CLI::App app{"msgcenterd: the msgcenter server"};
  app.set_version_flag("--version", "msgcenterd 0.1.0");
  std::string config_file;
  app.add_option("--config", config_file, "TOML configuration file (also MSGCENTER_CONFIG)");
  std::map<std::string, std::string> flag_values;
  std::map<std::string, CLI::Option*> flag_opts;
  for (const auto& s : settings()) {
    std::string help = s.help + " (env " + env_name(s) + ")";
    flag_opts[s.key] = s.is_flag ? app.add_flag(flag_name(s) + "{true}", flag_values[s.key], help)
                                 : app.add_option(flag_name(s), flag_values[s.key], help);
  }

  std::string backup_file;
  auto* backup_cmd =
      app.add_subcommand("backup", "copy the SQLite database to FILE, consistently, while the server runs");
  backup_cmd->add_option("FILE", backup_file, "the new file (must not exist)")->required();
  auto* user = app.add_subcommand("user", "manage accounts");
  auto* user_add = user->add_subcommand("add", "create an account; the password is read from stdin");
  std::string user_name, user_role = "user";
  user_add->add_option("NAME", user_name, "network ID")->required();
  user_add->add_option("--role", user_role, "user or provider")->check(CLI::IsMember({"user", "provider"}));
  auto* user_many = user->add_subcommand("add-many",
                                         "create PREFIX1..PREFIXCOUNT with one password from stdin, "
                                         "hashed once (load tests)");
  std::string many_prefix;
  int many_count = 0;
  user_many->add_option("PREFIX", many_prefix, "network ID prefix")->required();
  user_many->add_option("COUNT", many_count, "how many")->required()->check(CLI::Range(1, 1000000));
  user_many->add_option("--role", user_role, "user or provider")->check(CLI::IsMember({"user", "provider"}));
  std::string tokens_out;
  user_many->add_option("--tokens-out", tokens_out, "also log each user in; write 'NETWORK_ID TOKEN' lines here");
  user->require_subcommand(1);
  double grace_hours = 24;
  auto* gc_cmd = app.add_subcommand(
      "gc", "remove blobs no resource names, once older than the grace period (safe while the server runs)");
  gc_cmd->add_option("--grace-hours", grace_hours, "keep unnamed blobs younger than this (default 24)")
      ->check(CLI::Range(0.0, 24.0 * 365));
  auto* handler_key = app.add_subcommand("handler-key", "manage the keys that may sign handler packages");
  auto* key_add = handler_key->add_subcommand("add", "register a publishing key's public half (msgc handler keygen)");
  std::string key_file;
  key_add->add_option("FILE", key_file, "the public key file (FILE.pub)")->required();
  auto* key_list = handler_key->add_subcommand("list", "show the registered publishing keys");
  handler_key->require_subcommand(1);
  auto* recommend_cmd =
      app.add_subcommand("recommend",
                         "compute every active user's recommendations now (the server also does it on a schedule)");
  auto* eval_cmd = recommend_cmd->add_subcommand(
      "eval", "evaluate the recommender on a user,item,timestamp log: HR@10, NDCG@10, coverage per model");
  std::string events_file;
  bool eval_json = false;
  eval_cmd->add_option("--events", events_file, "the interactions, CSV: user,item,timestamp (header optional)")
      ->required();
  eval_cmd->add_flag("--json", eval_json, "one JSON object instead of a table");

  CLI11_PARSE(app, argc, argv);

  // Precedence: defaults < file < environment < flags.
  ServerConfig cfg;
  if (config_file.empty()) {
    if (const char* env = std::getenv("MSGCENTER_CONFIG")) config_file = env;
  }
  if (!config_file.empty()) {
    if (auto st = apply_config_file(cfg, config_file); !st) {
      std::cerr << "error: " << st.error().message << "\n";
      return 2;
    }
  }
  if (auto st = apply_environment(cfg); !st) {
    std::cerr << "error: " << st.error().message << "\n";
    return 2;
  }
  for (const auto& s : settings()) {
    if (flag_opts[s.key]->count() == 0) continue;
    if (auto st = s.set(cfg, flag_values[s.key]); !st) {
      std::cerr << "error: " << flag_name(s) << ": " << st.error().message << "\n";
      return 2;
    }
  }

  // The log goes to stderr, as the README says: stdout carries only
  // "listening on ...", which scripts wait for.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("msgcenterd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e level=%l %v");
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));

  if (backup_cmd->parsed()) return backup(cfg, backup_file);
  if (eval_cmd->parsed()) return push::recommend_eval(events_file, eval_json);
  if (recommend_cmd->parsed()) {
    auto backend = open_backend(cfg);
    if (!backend) {
      std::cerr << "error: " << backend.error().message << "\n";
      return 1;
    }
    return push::recommend_now(**backend);
  }
  if (gc_cmd->parsed()) return collect_garbage(cfg, static_cast<std::int64_t>(grace_hours * 3600 * 1000));
  if (key_add->parsed() || key_list->parsed()) {
    auto backend = open_backend(cfg);
    if (!backend) {
      std::cerr << "error: " << backend.error().message << "\n";
      return 1;
    }
    auto& store = (*backend)->handlers();
    return key_add->parsed() ? handlers::add_handler_key(store, key_file) : handlers::list_handler_keys(store);
  }
  if (user_add->parsed() || user_many->parsed()) {
    init_crypto();
    std::string password;
    if (isatty(STDIN_FILENO)) std::cerr << "password: ";
    std::getline(std::cin, password);
    auto backend = open_backend(cfg);
    if (!backend) {
      std::cerr << "error: " << backend.error().message << "\n";
      return 1;
    }
    Role role = parse_role(user_role).value_or(Role::kUser);  // CLI11 allowed only user and provider
    auto& accounts = (*backend)->accounts();
    if (user_many->parsed()) {
      return accounts::add_many_users(accounts, many_prefix, many_count, role, password, tokens_out,
                                      cfg.accounts.token_ttl_seconds);
    }
    return accounts::add_user(accounts, user_name, role, password);
  }
  return run_server(cfg);
}
