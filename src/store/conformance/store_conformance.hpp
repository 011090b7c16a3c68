// The fixture of the store conformance suite (store_conformance.cpp). A
// backend joins the suite with one line in a test file of its own:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, testing::Values(BackendFactory{"sqlite", open_fn}));
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/backend.hpp"

namespace mc::store::conformance {

struct BackendFactory {
  std::string name;
  // Opens the backend whose data lives under `dir` (an empty, private
  // directory per test). Called again on the same dir to reopen.
  std::function<Result<std::unique_ptr<Backend>>(const std::string& dir)> open;
};

// gtest prints the parameter by its name, not its bytes.
inline void PrintTo(const BackendFactory& f, std::ostream* os) { *os << f.name; }

inline std::string backend_name(const testing::TestParamInfo<BackendFactory>& info) { return info.param.name; }

class StoreConformance : public testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;
  void reopen();

  AccountStore& accounts() { return backend_->accounts(); }
  CatalogStore& catalog() { return backend_->catalog(); }
  DeliveryStore& delivery() { return backend_->delivery(); }
  GroupStore& groups() { return backend_->groups(); }
  HandlerStore& handlers() { return backend_->handlers(); }
  SocialStore& social() { return backend_->social(); }
  PushStore& push() { return backend_->push(); }

  User user(const std::string& name, Role role = Role::kUser);
  Resource resource(const User& publisher, const std::string& type, const std::string& title);
  static NewShare make_share(std::string id, std::int64_t sender, const std::string& resource, std::string note,
                             std::vector<std::int64_t> to);

  std::filesystem::path dir_;
  std::unique_ptr<Backend> backend_;
};

}  // namespace mc::store::conformance
