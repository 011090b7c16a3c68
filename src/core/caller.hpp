// Who is asking: the logged-in user behind a request, and the roles a user
// can have. Roles are an enum everywhere above the wire; "user" and
// "provider" are their names on the wire and in storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mc {

enum class Role { kUser, kProvider };

std::string_view role_name(Role role);                  // "user" | "provider"
std::optional<Role> parse_role(std::string_view name);  // nullopt for anything else

struct Caller {
  std::int64_t user_id = 0;
  std::string network_id;
  Role role = Role::kUser;
  std::string device_id;
  bool is_provider() const { return role == Role::kProvider; }
};

}  // namespace mc
