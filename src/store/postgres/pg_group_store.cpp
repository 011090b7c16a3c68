// PgGroupStore: groups, named lists of users owned by one user, on PostgreSQL.
#include "core/clock.hpp"
#include "store/postgres/pg_stores.hpp"

namespace mc::store::postgres {

const PgSchema& groups_schema() {
  static const PgSchema schema{"groups",
                               {
                                   R"sql(
CREATE TABLE groups (
  id         BIGSERIAL PRIMARY KEY,
  owner_id   BIGINT NOT NULL REFERENCES users(id),
  name       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (owner_id, name)
);
CREATE TABLE group_members (
  group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id  BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
);
)sql",
                               }};
  return schema;
}

const std::vector<std::string_view>& groups_forget_user() {
  static const std::vector<std::string_view> statements = {
      "DELETE FROM group_members WHERE user_id = $1",
      "DELETE FROM group_members WHERE group_id IN (SELECT id FROM groups WHERE owner_id = $1)",
      "DELETE FROM groups WHERE owner_id = $1"};
  return statements;
}

namespace {

Error no_group(const std::string& name) {
  return Error::not_found("group_not_found", "you have no group '" + name + "'");
}

// The group's id, its row locked for the rest of the transaction when `lock`.
Result<std::int64_t> group_id(pg::Connection& c, std::int64_t owner_id, const std::string& name, bool lock) {
  MC_TRY(auto rows,
         c.query(std::string("SELECT id FROM groups WHERE owner_id = $1 AND name = $2") + (lock ? " FOR UPDATE" : ""),
                 {std::to_string(owner_id), name}));
  if (rows.empty()) return no_group(name);
  return rows.int64(0, 0);
}

Result<Group> load_group(pg::Connection& c, std::int64_t owner_id, const std::string& name) {
  MC_TRY(auto g, c.query("SELECT id, created_at FROM groups WHERE owner_id = $1 AND name = $2",
                         {std::to_string(owner_id), name}));
  if (g.empty()) return no_group(name);
  Group out{name, {}, g.int64(0, 1)};
  MC_TRY(auto ms, c.query("SELECT u.id, u.network_id FROM group_members m JOIN users u ON u.id = m.user_id "
                          "WHERE m.group_id = $1 ORDER BY u.network_id COLLATE \"C\"",
                          {g.text(0, 0)}));
  for (int i = 0; i < ms.size(); ++i) out.members.push_back(GroupMember{ms.int64(i, 0), ms.text(i, 1)});
  return out;
}

Status insert_members(pg::Connection& c, std::int64_t gid, const std::vector<std::int64_t>& member_ids) {
  MC_TRY_STATUS(
      c.query("INSERT INTO group_members (group_id, user_id) SELECT $1, u FROM unnest($2::bigint[]) AS u "
              "ON CONFLICT DO NOTHING",
              {std::to_string(gid), pg::int_array(member_ids)}));
  MC_TRY(auto count, c.query("SELECT count(*) FROM group_members WHERE group_id = $1", {std::to_string(gid)}));
  if (static_cast<std::size_t>(count.int64(0, 0)) > kMaxGroupMembers) {
    return Error::invalid_argument("too_many_members",
                                   "a group has at most " + std::to_string(kMaxGroupMembers) + " members");
  }
  return {};
}

}  // namespace

Result<Group> PgGroupStore::create_group(std::int64_t owner_id, const std::string& name,
                                         const std::vector<std::int64_t>& member_ids) {
  return e_.transact<Group>([&](pg::Connection& c) -> Result<Group> {
    auto rows = c.query("INSERT INTO groups (owner_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                        {std::to_string(owner_id), name, std::to_string(now_ms())});
    if (!rows) {
      if (rows.error().is(ErrorKind::kAlreadyExists)) {
        return Error::already_exists("group_exists", "you already have a group '" + name + "'");
      }
      return rows.error();
    }
    MC_TRY_STATUS(insert_members(c, rows->int64(0, 0), member_ids));
    return load_group(c, owner_id, name);
  });
}

Result<std::vector<Group>> PgGroupStore::list_groups(std::int64_t owner_id) {
  return e_.read<std::vector<Group>>([&](pg::Connection& c) -> Result<std::vector<Group>> {
    MC_TRY(auto names, c.query("SELECT name FROM groups WHERE owner_id = $1 ORDER BY name COLLATE \"C\"",
                               {std::to_string(owner_id)}));
    std::vector<Group> out;
    for (int i = 0; i < names.size(); ++i) {
      MC_TRY(auto g, load_group(c, owner_id, names.text(i, 0)));
      out.push_back(std::move(g));
    }
    return out;
  });
}

Result<Group> PgGroupStore::get_group(std::int64_t owner_id, const std::string& name) {
  return e_.read<Group>([&](pg::Connection& c) { return load_group(c, owner_id, name); });
}

Result<Group> PgGroupStore::add_group_members(std::int64_t owner_id, const std::string& name,
                                              const std::vector<std::int64_t>& member_ids) {
  return e_.transact<Group>([&](pg::Connection& c) -> Result<Group> {
    MC_TRY(auto gid, group_id(c, owner_id, name, true));
    MC_TRY_STATUS(insert_members(c, gid, member_ids));
    return load_group(c, owner_id, name);
  });
}

Result<Group> PgGroupStore::remove_group_members(std::int64_t owner_id, const std::string& name,
                                                 const std::vector<std::int64_t>& member_ids) {
  return e_.transact<Group>([&](pg::Connection& c) -> Result<Group> {
    MC_TRY(auto gid, group_id(c, owner_id, name, true));
    MC_TRY_STATUS(c.query("DELETE FROM group_members WHERE group_id = $1 AND user_id = ANY($2::bigint[])",
                          {std::to_string(gid), pg::int_array(member_ids)}));
    return load_group(c, owner_id, name);
  });
}

Status PgGroupStore::delete_group(std::int64_t owner_id, const std::string& name) {
  return e_.transact_status([&](pg::Connection& c) -> Status {
    MC_TRY(auto gid, group_id(c, owner_id, name, true));
    MC_TRY_STATUS(c.query("DELETE FROM groups WHERE id = $1", {std::to_string(gid)}));
    return {};
  });
}

}  // namespace mc::store::postgres
