// The PostgreSQL backend runs the store conformance suite, against the real
// PostgreSQL that the test run starts (scripts/test-postgres, a CTest
// fixture); MSGC_TEST_POSTGRES names the file holding its URL. Each test
// gets a schema of its own.
#include <cstdlib>
#include <fstream>
#include <functional>

#include "store/conformance/store_conformance.hpp"
#include "store/postgres/pg.hpp"
#include "store/postgres/pg_backend.hpp"

namespace mc::store::conformance {
namespace {

Result<std::string> server_url() {
  const char* file = std::getenv("MSGC_TEST_POSTGRES");
  if (!file) return Error::failed_precondition("no_test_postgres", "MSGC_TEST_POSTGRES is not set (run under ctest)");
  std::ifstream in(file);
  std::string url;
  if (!std::getline(in, url) || url.empty()) {
    return Error::failed_precondition("no_test_postgres", std::string("no URL in ") + file);
  }
  return url;
}

Result<std::unique_ptr<Backend>> open_postgres(const std::string& dir) {
  MC_TRY(auto url, server_url());
  // One schema per test directory: reopening finds the same data.
  std::string schema = "t" + std::to_string(std::hash<std::string>{}(dir));
  MC_TRY(auto admin, pg::Connection::open(url));
  MC_TRY_STATUS(admin->exec("CREATE SCHEMA IF NOT EXISTS " + schema));
  std::string scoped = url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
  MC_TRY(auto b, postgres::PgBackend::open(scoped, 4));
  return std::unique_ptr<Backend>(std::move(b));
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance, testing::Values(BackendFactory{"postgres", open_postgres}),
                         backend_name);

}  // namespace
}  // namespace mc::store::conformance
