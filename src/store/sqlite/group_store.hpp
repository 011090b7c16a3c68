// GroupStore on the embedded engine: named lists of users one user owns.
#pragma once

#include <string_view>
#include <vector>

#include "store/group_store.hpp"
#include "store/sqlite/engine.hpp"

namespace mc::store::sqlite {

const AreaSchema& groups_schema();

// The statements that forget a user's data in this area (?1: the user id),
// run by SqliteBackend::close_account in one transaction.
const std::vector<std::string_view>& groups_forget_user();

class SqliteGroupStore final : public GroupStore {
 public:
  explicit SqliteGroupStore(Engine& engine) : engine_(engine) {}

  Result<Group> create_group(std::int64_t owner_id, const std::string& name,
                             const std::vector<std::int64_t>& member_ids) override;
  Result<std::vector<Group>> list_groups(std::int64_t owner_id) override;
  Result<Group> get_group(std::int64_t owner_id, const std::string& name) override;
  Result<Group> add_group_members(std::int64_t owner_id, const std::string& name,
                                  const std::vector<std::int64_t>& member_ids) override;
  Result<Group> remove_group_members(std::int64_t owner_id, const std::string& name,
                                     const std::vector<std::int64_t>& member_ids) override;
  Status delete_group(std::int64_t owner_id, const std::string& name) override;

 private:
  Engine& engine_;
};

}  // namespace mc::store::sqlite
