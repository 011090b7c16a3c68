// Internal to delivery/: what its routes share, and where they are
// registered (delivery_area.cpp). Shares and forwards (mission 2), the
// inbox with acks and receipts, and the live stream.
#pragma once

#include "server/accounts/authenticator.hpp"
#include "server/delivery/bus.hpp"
#include "server/net/router.hpp"
#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"
#include "store/group_store.hpp"
#include "store/push_store.hpp"
#include "store/social_store.hpp"

namespace mc::delivery {

inline constexpr std::size_t kMaxRecipients = 10000;

// Lives as long as the area: routes hold it by reference.
struct DeliveryContext {
  store::AccountStore& accounts;
  store::CatalogStore& catalog;
  store::DeliveryStore& deliveries;
  store::GroupStore& groups;
  store::SocialStore& social;
  store::PushStore& pushes;  // taste signals, and the pushes opened (docs/pushes.md)
  Bus& bus;
  const accounts::Authenticator& auth;
};

void register_share_routes(net::Router& router, DeliveryContext& d);  // share_routes.cpp
void register_inbox_routes(net::Router& router, DeliveryContext& d);  // inbox_routes.cpp
void register_inbox_stream(net::Router& router, DeliveryContext& d);  // inbox_stream.cpp

}  // namespace mc::delivery
