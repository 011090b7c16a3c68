// A server area (accounts, catalog, social, delivery, ...) is a folder that
// registers itself: one MC_SERVER_AREA line in its *_area.cpp names a
// factory, and msgcenterd creates every registered area at start, in name
// order, handing each the same context. Adding an area is adding a folder;
// nothing central lists them (as Prosody's modules register for the events
// they handle).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mc::net {
class Router;
}
namespace mc::store {
class Backend;
}
namespace mc::accounts {
class Authenticator;
}
namespace mc::delivery {
class Bus;
}

namespace mc::server {

struct ServerConfig;

// What every area gets: its configuration section (in config), storage (one
// store per area), the bus that carries "user U has new items", the
// authenticator and the router to register routes on.
struct AreaContext {
  const ServerConfig& config;
  store::Backend& stores;
  delivery::Bus& bus;
  accounts::Authenticator& auth;
  net::Router& router;
};

// A running area. Lives as long as the server serves; its routes may refer
// to it.
class Area {
 public:
  virtual ~Area() = default;
};

// An area whose only state is the context its routes hold by reference.
template <class Context>
class ContextArea final : public Area {
 public:
  explicit ContextArea(Context c) : context(std::move(c)) {}
  Context context;
};

using AreaFactory = std::function<Result<std::unique_ptr<Area>>(AreaContext&)>;

struct RegisteredArea {
  std::string name;
  AreaFactory make;
};

// Every area linked into this program, in name order.
std::vector<RegisteredArea> registered_areas();

// Creates every registered area. Errors: the first area's that fails.
Result<std::vector<std::unique_ptr<Area>>> start_areas(AreaContext& ctx);

struct AreaRegistration {
  AreaRegistration(std::string_view name, AreaFactory make);
};

}  // namespace mc::server

// In one .cpp of the area's folder, at namespace scope:
//   MC_SERVER_AREA(catalog, [](AreaContext& ctx) -> Result<std::unique_ptr<Area>> { ... });
#define MC_SERVER_AREA(name, ...) \
  static const ::mc::server::AreaRegistration mc_server_area_##name { #name, __VA_ARGS__ }
