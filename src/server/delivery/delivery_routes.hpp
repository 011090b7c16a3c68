// Routes of delivery: shares (mission 2), the inbox and the live stream.
#pragma once

#include "server/accounts/authenticator.hpp"
#include "server/delivery/hub.hpp"
#include "server/net/router.hpp"
#include "server/net/stream_service.hpp"
#include "store/account_store.hpp"
#include "store/catalog_store.hpp"
#include "store/delivery_store.hpp"

namespace mc::delivery {

inline constexpr std::size_t kMaxRecipients = 10000;

struct DeliveryDeps {
  store::AccountStore& accounts;
  store::CatalogStore& catalog;
  store::DeliveryStore& deliveries;
  const accounts::Authenticator& auth;
  Hub& hub;
};

void register_delivery_routes(net::Router& router, DeliveryDeps deps);

// Serves /v1/stream from the store and the hub.
class InboxStreams final : public net::StreamService {
 public:
  explicit InboxStreams(DeliveryDeps deps) : d_(deps) {}
  Result<net::StreamOpen> open(const net::HttpRequest& req) override;
  std::string hello_frame(const net::StreamOpen& open) override;
  Result<net::StreamBatch> frames_after(std::int64_t user_id, std::int64_t after) override;
  std::unique_ptr<net::Subscription> subscribe(std::int64_t user_id, std::function<void()> notify) override;

 private:
  DeliveryDeps d_;
};

}  // namespace mc::delivery
