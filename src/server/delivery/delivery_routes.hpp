// Routes of delivery: shares and forwards (mission 2), the inbox with acks
// and receipts, and the live stream.
#pragma once

#include "server/accounts/authenticator.hpp"
#include "server/delivery/hub.hpp"
#include "server/net/router.hpp"
#include "server/net/stream_service.hpp"
#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"
#include "store/group_store.hpp"

namespace mc::delivery {

inline constexpr std::size_t kMaxRecipients = 10000;

struct DeliveryDeps {
  store::AccountStore& accounts;
  store::CatalogStore& catalog;
  store::DeliveryStore& deliveries;
  store::GroupStore& groups;
  const accounts::Authenticator& auth;
  Hub& hub;
};

void register_share_routes(net::Router& router, DeliveryDeps deps);  // share_routes.cpp
void register_inbox_routes(net::Router& router, DeliveryDeps deps);  // inbox_routes.cpp

// Serves /v1/stream from the store and the hub (inbox_streams.cpp).
class InboxStreams final : public net::StreamService {
 public:
  explicit InboxStreams(DeliveryDeps deps) : d_(deps) {}
  Result<net::StreamOpen> open(const net::HttpRequest& req) override;
  std::string hello_frame(const net::StreamOpen& open) override;
  Result<net::StreamBatch> frames_after(std::int64_t user_id, std::int64_t after) override;
  std::optional<std::string> on_client_frame(const net::StreamOpen& open, const std::string& text) override;
  std::string render(const net::ItemHint& hint) override;
  std::unique_ptr<net::Subscription> subscribe(std::int64_t user_id, net::Notify notify) override;

 private:
  DeliveryDeps d_;
};

}  // namespace mc::delivery
