// SqliteGroupStore: groups, named lists of users owned by one user.
#include "store/sqlite/group_store.hpp"

#include "core/clock.hpp"
#include "store/sqlite/rows.hpp"

namespace mc::store::sqlite {

const AreaSchema& groups_schema() {
  static const AreaSchema schema{"groups",
                                 {
                                     // 1
                                     R"sql(
CREATE TABLE groups (
  id         INTEGER PRIMARY KEY,
  owner_id   INTEGER NOT NULL REFERENCES users(id),
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (owner_id, name)
);
CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
)sql",
                                 },
                                 {0, 1}};
  return schema;
}

const std::vector<std::string_view>& groups_forget_user() {
  static const std::vector<std::string_view> statements = {
      "DELETE FROM group_members WHERE user_id = ?1",
      "DELETE FROM group_members WHERE group_id IN (SELECT id FROM groups WHERE owner_id = ?1)",
      "DELETE FROM groups WHERE owner_id = ?1"};
  return statements;
}

namespace {

Result<std::int64_t> group_id(Database& db, std::int64_t owner_id, const std::string& name) {
  MC_TRY(auto st, db.prepare("SELECT id FROM groups WHERE owner_id = ? AND name = ?"));
  st.bind(1, owner_id).bind(2, name);
  MC_TRY_STATUS(step_one(st, "group_not_found", "you have no group '" + name + "'"));
  return st.int64(0);
}

Result<Group> load_group(Database& db, std::int64_t owner_id, const std::string& name) {
  MC_TRY(auto st, db.prepare("SELECT id, created_at FROM groups WHERE owner_id = ? AND name = ?"));
  st.bind(1, owner_id).bind(2, name);
  MC_TRY_STATUS(step_one(st, "group_not_found", "you have no group '" + name + "'"));
  Group g{name, {}, st.int64(1)};
  auto ms = db.prepare(
      "SELECT u.id, u.network_id FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? "
      "ORDER BY u.network_id");
  if (!ms) return ms.error();
  ms->bind(1, st.int64(0));
  for (;;) {
    auto row = ms->step();
    if (!row) return row.error();
    if (!*row) break;
    g.members.push_back(GroupMember{ms->int64(0), ms->text(1)});
  }
  return g;
}

Status insert_members(Database& db, std::int64_t gid, const std::vector<std::int64_t>& member_ids) {
  MC_TRY(auto st, db.prepare("INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)"));
  for (auto uid : member_ids) {
    st.reset();
    st.bind(1, gid).bind(2, uid);
    MC_TRY_STATUS(st.run());
  }
  auto count = db.prepare("SELECT count(*) FROM group_members WHERE group_id = ?");
  if (!count) return count.error();
  count->bind(1, gid);
  MC_TRY_STATUS(step_one(*count, "group_not_found", "group vanished"));
  if (static_cast<std::size_t>(count->int64(0)) > kMaxGroupMembers) {
    return Error::invalid_argument("too_many_members",
                                   "a group has at most " + std::to_string(kMaxGroupMembers) + " members");
  }
  return {};
}

}  // namespace

Result<Group> SqliteGroupStore::create_group(std::int64_t owner_id, const std::string& name,
                                             const std::vector<std::int64_t>& member_ids) {
  return engine_.writer().run_for<Group>([&](Database& db) -> Result<Group> {
    MC_TRY(auto st, db.prepare("INSERT INTO groups (owner_id, name, created_at) VALUES (?, ?, ?) RETURNING id"));
    st.bind(1, owner_id).bind(2, name).bind(3, now_ms());
    auto row = st.step();
    if (!row) {
      if (row.error().is(ErrorKind::kAlreadyExists))
        return Error::already_exists("group_exists", "you already have a group '" + name + "'");
      return row.error();
    }
    std::int64_t gid = st.int64(0);
    MC_TRY_STATUS(st.step());
    MC_TRY_STATUS(insert_members(db, gid, member_ids));
    return load_group(db, owner_id, name);
  });
}

Result<std::vector<Group>> SqliteGroupStore::list_groups(std::int64_t owner_id) {
  auto db = engine_.reader();
  MC_TRY(auto st, db->prepare("SELECT name FROM groups WHERE owner_id = ? ORDER BY name"));
  st.bind(1, owner_id);
  std::vector<std::string> names;
  for (;;) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) break;
    names.push_back(st.text(0));
  }
  std::vector<Group> out;
  for (const auto& n : names) {
    auto g = load_group(*db, owner_id, n);
    if (!g) return g.error();
    out.push_back(std::move(*g));
  }
  return out;
}

Result<Group> SqliteGroupStore::get_group(std::int64_t owner_id, const std::string& name) {
  auto db = engine_.reader();
  return load_group(*db, owner_id, name);
}

Result<Group> SqliteGroupStore::add_group_members(std::int64_t owner_id, const std::string& name,
                                                  const std::vector<std::int64_t>& member_ids) {
  return engine_.writer().run_for<Group>([&](Database& db) -> Result<Group> {
    MC_TRY(auto gid, group_id(db, owner_id, name));
    MC_TRY_STATUS(insert_members(db, gid, member_ids));
    return load_group(db, owner_id, name);
  });
}

Result<Group> SqliteGroupStore::remove_group_members(std::int64_t owner_id, const std::string& name,
                                                     const std::vector<std::int64_t>& member_ids) {
  return engine_.writer().run_for<Group>([&](Database& db) -> Result<Group> {
    MC_TRY(auto gid, group_id(db, owner_id, name));
    auto st = db.prepare("DELETE FROM group_members WHERE group_id = ? AND user_id = ?");
    if (!st) return st.error();
    for (auto uid : member_ids) {
      st->reset();
      st->bind(1, gid).bind(2, uid);
      MC_TRY_STATUS(st->run());
    }
    return load_group(db, owner_id, name);
  });
}

Status SqliteGroupStore::delete_group(std::int64_t owner_id, const std::string& name) {
  return engine_.writer().run([&](Database& db) -> Status {
    MC_TRY(auto gid, group_id(db, owner_id, name));
    auto st = db.prepare("DELETE FROM groups WHERE id = ?");
    if (!st) return st.error();
    st->bind(1, gid);
    return st->run();
  });
}

}  // namespace mc::store::sqlite
