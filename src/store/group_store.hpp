// Storage of groups: named lists of users that one user owns and shares to.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

inline constexpr std::size_t kMaxGroupMembers = 10000;

class GroupStore {
 public:
  virtual ~GroupStore() = default;

  // Errors: kAlreadyExists "group_exists".
  virtual Result<Group> create_group(std::int64_t owner_id, const std::string& name,
                                     const std::vector<std::int64_t>& member_ids) = 0;
  virtual Result<std::vector<Group>> list_groups(std::int64_t owner_id) = 0;
  // Errors (all below): kNotFound "group_not_found".
  virtual Result<Group> get_group(std::int64_t owner_id, const std::string& name) = 0;
  // Errors: kInvalidArgument "too_many_members" past kMaxGroupMembers.
  virtual Result<Group> add_group_members(std::int64_t owner_id, const std::string& name,
                                          const std::vector<std::int64_t>& member_ids) = 0;
  virtual Result<Group> remove_group_members(std::int64_t owner_id, const std::string& name,
                                             const std::vector<std::int64_t>& member_ids) = 0;
  virtual Status delete_group(std::int64_t owner_id, const std::string& name) = 0;
};

}  // namespace mc::store
