// The push area: campaigns, the user's push settings and recommendations,
// and the scheduler that sends campaigns and retrains the recommender.
#include <spdlog/spdlog.h>

#include "server/area.hpp"
#include "server/config.hpp"
#include "server/push/push_routes.hpp"
#include "server/push/recommend_job.hpp"
#include "server/push/scheduler.hpp"
#include "store/backend.hpp"

namespace mc::push {

namespace {

class PushArea final : public server::Area {
 public:
  explicit PushArea(server::AreaContext& ctx)
      : context{ctx.stores.accounts(), ctx.stores.catalog(),
                ctx.stores.push(),     ctx.bus,
                ctx.config.push,       PushClock(ctx.config.push.clock_file)},
        scheduler_(ctx.stores.push(), ctx.stores.catalog(), ctx.bus, ctx.config.push, context.clock,
                   [this]() -> Status {
                     MC_TRY(auto r, run_recommender(context.pushes, context.catalog, context.clock.now_ms()));
                     spdlog::info("event=recommended users={} resources={} signals={} train_seconds={:.1f}", r.users,
                                  r.resources, r.signals, r.train_seconds);
                     return {};
                   }) {}
  ~PushArea() override = default;  // the scheduler stops first (declared last)

  void start() { scheduler_.start(); }

  PushContext context;

 private:
  Scheduler scheduler_;
};

Result<std::unique_ptr<server::Area>> start(server::AreaContext& ctx) {
  auto area = std::make_unique<PushArea>(ctx);
  register_campaign_routes(ctx.router, area->context);
  register_user_push_routes(ctx.router, area->context);
  area->start();
  return std::unique_ptr<server::Area>(std::move(area));
}

}  // namespace

MC_SERVER_AREA(push, start);

}  // namespace mc::push
