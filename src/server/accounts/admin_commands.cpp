#include "server/accounts/admin_commands.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "core/clock.hpp"
#include "core/network_id.hpp"
#include "server/accounts/account_routes.hpp"
#include "server/accounts/passwords.hpp"
#include "server/accounts/tokens.hpp"

namespace mc::accounts {

namespace {

int fail(const Error& e) {
  std::fprintf(stderr, "error: %s (%s)\n", e.message.c_str(), e.code.c_str());
  return 1;
}

Status write_private_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ::close(fd);
  if (!ok) return Error::failed_precondition("cannot_write_file", "cannot write " + path);
  return {};
}

}  // namespace

int add_user(store::AccountStore& accounts, const std::string& network_id, Role role, const std::string& password) {
  auto u = create_account(accounts, network_id, password, role);
  if (!u) return fail(u.error());
  std::printf("created %s '%s'\n", std::string(role_name(role)).c_str(), network_id.c_str());
  return 0;
}

int add_many_users(store::AccountStore& accounts, const std::string& prefix, int count, Role role,
                   const std::string& password, const std::string& tokens_out, std::int64_t token_ttl_seconds) {
  std::vector<std::string> ids;
  for (int i = 1; i <= count; ++i) {
    ids.push_back(prefix + std::to_string(i));
    if (auto st = validate_network_id(ids.back()); !st) {
      std::fprintf(stderr, "error: %s is not a network ID: %s\n", ids.back().c_str(), st.error().message.c_str());
      return 2;
    }
  }
  if (auto st = validate_password(password); !st) {
    std::fprintf(stderr, "error: %s\n", st.error().message.c_str());
    return 2;
  }
  auto hash = hash_password(password);
  if (!hash) return fail(hash.error());
  if (auto st = accounts.create_users(ids, *hash, role); !st) return fail(st.error());
  std::string role_text(role_name(role));
  std::printf("created %d %ss %s1..%s%d\n", count, role_text.c_str(), prefix.c_str(), prefix.c_str(), count);
  if (tokens_out.empty()) return 0;
  auto users = accounts.find_users(ids);
  if (!users) return fail(users.error());
  std::vector<store::AccountStore::NewSession> sessions;
  std::string lines;
  std::int64_t expires = now_ms() + token_ttl_seconds * 1000;
  for (const auto& u : *users) {
    std::string token = new_token();
    sessions.push_back({token_hash(token), u.id, "d_load", expires});
    lines += u.network_id + " " + token + "\n";
  }
  if (auto st = accounts.create_sessions(sessions); !st) return fail(st.error());
  if (auto st = write_private_file(tokens_out, lines); !st) return fail(st.error());
  std::printf("wrote %zu tokens to %s\n", sessions.size(), tokens_out.c_str());
  return 0;
}

}  // namespace mc::accounts
