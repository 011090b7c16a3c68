#include "core/caller.hpp"

namespace mc {

std::string_view role_name(Role role) { return role == Role::kProvider ? "provider" : "user"; }

std::optional<Role> parse_role(std::string_view name) {
  if (name == "user") return Role::kUser;
  if (name == "provider") return Role::kProvider;
  return std::nullopt;
}

}  // namespace mc
