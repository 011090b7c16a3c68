// The msgc commands. Each takes the parsed options, calls libmsgcenter and
// prints; each returns the process exit code.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/connection.hpp"

namespace mc::cli {

struct Globals {
  std::string server;
  std::string home;
  bool json = false;
};

std::vector<std::string> split_list(const std::string& s);

int cmd_login(const Globals& g, const std::string& id, bool register_first);
int cmd_logout(const Globals& g, client::Connection& c);
int cmd_whoami(const Globals& g, client::Connection& c);
int cmd_settings(const Globals& g, client::Connection& c, const std::string& receipts);

struct PublishArgs {
  std::string path, type, title, tags, mime;
};
int cmd_publish(const Globals& g, client::Connection& c, const PublishArgs& a);
int cmd_catalog(const Globals& g, client::Connection& c, const std::string& type, std::int64_t after, int limit,
                bool ids_only);
int cmd_get(const Globals& g, client::Connection& c, const std::string& id, const std::string& out);

struct ShareArgs {
  std::string id;  // resource id (share) or item id (forward)
  std::string to, groups, note;
};
int cmd_share(const Globals& g, client::Connection& c, const ShareArgs& a, bool forward);
int cmd_receipts(const Globals& g, client::Connection& c, const std::string& share_id);
int cmd_inbox(const Globals& g, client::Connection& c, std::optional<std::int64_t> after, int limit, bool follow,
              const std::atomic<bool>& stop);

int cmd_group(const Globals& g, client::Connection& c, const std::string& action, const std::string& name,
              const std::vector<std::string>& members);

}  // namespace mc::cli
