// The SQLite backend runs the store conformance suite.
#include "store/conformance/store_conformance.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace mc::store::conformance {
namespace {

Result<std::unique_ptr<Backend>> open_sqlite(const std::string& dir) {
  MC_TRY(auto b, sqlite::SqliteBackend::open(dir + "/msgcenter.db"));
  return std::unique_ptr<Backend>(std::move(b));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, testing::Values(BackendFactory{"sqlite", open_sqlite}),
                         backend_name);

}  // namespace
}  // namespace mc::store::conformance
