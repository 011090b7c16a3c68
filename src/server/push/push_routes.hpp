// Routes of personal pushes (docs/protocol.md "Pushes"): campaigns for
// providers (campaign_routes.cpp); push settings, why, dismiss, the
// recommendations and the user's own signals (user_push_routes.cpp).
// Registered by push_area.cpp.
#pragma once

#include "server/net/router.hpp"
#include "server/push/push_clock.hpp"
#include "server/push/push_config.hpp"
#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/push_store.hpp"

namespace mc::delivery {
class Bus;
}

namespace mc::push {

// Lives as long as the area: routes hold it by reference.
struct PushContext {
  store::AccountStore& accounts;
  store::CatalogStore& catalog;
  store::PushStore& pushes;
  delivery::Bus& bus;
  PushConfig config;
  PushClock clock;
};

void register_campaign_routes(net::Router& router, PushContext& c);
void register_user_push_routes(net::Router& router, PushContext& c);

}  // namespace mc::push
