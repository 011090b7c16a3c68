// Routes of the people side (docs/protocol.md "People"): profiles and own
// identifiers (profile_routes.cpp), address-book matching
// (contact_routes.cpp), friends and blocks (friend_routes.cpp). Registered
// by social_area.cpp.
#pragma once

#include <memory>

#include "core/contacts/oprf.hpp"
#include "server/net/router.hpp"
#include "server/social/code_sender.hpp"
#include "server/social/rate_limiter.hpp"
#include "server/social/social_config.hpp"
#include "store/account_store.hpp"
#include "store/social_store.hpp"

namespace mc::delivery {
class Bus;
}

namespace mc::social {

// Lives as long as the area: routes hold it by reference.
struct SocialContext {
  store::AccountStore& accounts;
  store::SocialStore& social;
  delivery::Bus& bus;
  SocialConfig config;
  contacts::oprf::Scalar oprf_key;  // the tier's, from the store
  std::unique_ptr<CodeSender> codes;
  RateLimiter evaluations{};      // address-book points, per account, device and address
  RateLimiter code_sends{};       // verification codes sent, per account and per number or address
  RateLimiter friend_requests{};  // per sender, and per sender and recipient
};

void register_profile_routes(net::Router& router, SocialContext& c);
void register_contact_routes(net::Router& router, SocialContext& c);
void register_friend_routes(net::Router& router, SocialContext& c);

// The JSON of a person as the protocol shows them.
boost::json::object person_json(const store::Person& p);

// Refuses text with control characters (C0, DEL, C1), which a terminal
// would obey. Errors: kInvalidArgument "invalid_field" naming `field`.
Status check_printable(std::string_view field, std::string_view text);

// Refuses a body field not in `known`. Errors: kInvalidArgument "unknown_field".
Status only_fields(const boost::json::object& body, std::initializer_list<std::string_view> known);

// The user a path's {network_id} names. Errors: "invalid_network_id",
// kNotFound "unknown_user".
Result<store::UserRef> named_user(SocialContext& c, const std::string& network_id);

}  // namespace mc::social
