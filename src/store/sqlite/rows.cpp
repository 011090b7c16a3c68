#include "store/sqlite/rows.hpp"

#include <boost/json.hpp>

namespace mc::store::sqlite {

namespace json = boost::json;

User read_user(const Statement& st, int c) {
  return User{st.int64(c),     st.text(c + 1),      st.text(c + 2), parse_role(st.text(c + 3)).value_or(Role::kUser),
              st.int64(c + 4), st.int64(c + 5) != 0};
}

Resource read_resource(const Statement& st, int c) {
  Resource r;
  r.id = st.text(c);
  r.type = st.text(c + 1);
  r.title = st.text(c + 2);
  r.tags = strings_from_json(st.text(c + 3));
  r.sha256 = st.text(c + 4);
  r.size = st.int64(c + 5);
  r.mime = st.text(c + 6);
  r.filename = st.text(c + 7);
  r.publisher = st.text(c + 8);
  r.created_at = st.int64(c + 9);
  r.description = st.text(c + 11);
  r.updated_at = st.int64(c + 12);
  r.access = st.text(c + 13);
  r.shareable = st.int64(c + 14) != 0;
  if (!st.is_null(c + 15)) r.share_access_seconds = st.int64(c + 15);
  r.attributes = st.text(c + 16);
  r.gone = !st.is_null(c + 17);
  return r;
}

Result<std::vector<std::string>> first_column(Statement& st) {
  std::vector<std::string> out;
  for (;;) {
    MC_TRY(bool more, st.step());
    if (!more) return out;
    out.push_back(st.text(0));
  }
}

Status step_one(Statement& st, const char* code, const std::string& message) {
  MC_TRY(auto row, st.step());
  if (!row) return Error::not_found(code, message);
  return {};
}

}  // namespace mc::store::sqlite
