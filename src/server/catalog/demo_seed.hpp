// Demo accounts and a small demo catalog for `make run`, so that a new user
// has something to browse, share and download at once.
#pragma once

#include <string>

#include "core/caller.hpp"
#include "core/error.hpp"
#include "server/catalog/blob_store.hpp"
#include "store/account_store.hpp"
#include "store/catalog_store.hpp"

namespace mc::catalog {

struct DemoAccount {
  const char* network_id;
  const char* password;
  Role role;
};
inline constexpr DemoAccount kDemoAccounts[] = {
    {"provider", "provider-pass", Role::kProvider},
    {"alice", "alice-pass", Role::kUser},
    {"bob", "bob-pass", Role::kUser},
};

// Seeds only into a store whose catalog is empty; returns whether it did.
Result<bool> seed_demo(store::AccountStore& accounts, store::CatalogStore& catalog, BlobStore& blobs);

// What `make run` prints under "listening on": the demo accounts and a
// tour to try from another terminal.
void print_demo_tour(const std::string& url);

}  // namespace mc::catalog
