// The social area: groups, profiles and own identifiers, address-book
// matching, friends and blocks.
#include "server/area.hpp"
#include "server/config.hpp"
#include "server/social/group_routes.hpp"
#include "server/social/social_routes.hpp"
#include "store/backend.hpp"

namespace mc::social {

namespace {

// Groups and the people side are two contexts: groups need no key.
struct SocialArea final : server::Area {
  SocialArea(server::AreaContext& ctx, const contacts::oprf::Scalar& key)
      : groups{ctx.stores.accounts(), ctx.stores.groups()},
        people{ctx.stores.accounts(), ctx.stores.social(), ctx.bus, ctx.config.social, key, make_log_code_sender()} {}
  GroupContext groups;
  SocialContext people;
};

Result<std::unique_ptr<server::Area>> start(server::AreaContext& ctx) {
  // The tier's matching key: the first node to start stores one, every
  // node reads that one.
  MC_TRY(auto key_hex, ctx.stores.social().oprf_key(contacts::oprf::key_hex(contacts::oprf::new_key())));
  MC_TRY(auto key, contacts::oprf::key_from_hex(key_hex));
  auto area = std::make_unique<SocialArea>(ctx, key);
  register_group_routes(ctx.router, area->groups);
  register_profile_routes(ctx.router, area->people);
  register_contact_routes(ctx.router, area->people);
  register_friend_routes(ctx.router, area->people);
  return std::unique_ptr<server::Area>(std::move(area));
}

}  // namespace

MC_SERVER_AREA(social, start);

}  // namespace mc::social
