// Demo accounts and a small demo catalog for `make run`, so that a new user
// has something to browse, share and download at once.
#pragma once

#include "core/error.hpp"
#include "server/catalog/blob_store.hpp"
#include "store/account_store.hpp"
#include "store/catalog_store.hpp"

namespace mc::server {

struct DemoAccount {
  const char* network_id;
  const char* password;
  const char* role;
};
inline constexpr DemoAccount kDemoAccounts[] = {
    {"provider", "provider-pass", "provider"},
    {"alice", "alice-pass", "user"},
    {"bob", "bob-pass", "user"},
};

// Seeds only into a store whose catalog is empty; returns whether it did.
Result<bool> seed_demo(store::AccountStore& accounts, store::CatalogStore& catalog, catalog::BlobStore& blobs);

}  // namespace mc::server
