#include "server/area.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace mc::server {

namespace {
// A function-local static: registrations run during static initialisation,
// in no particular order across files.
std::vector<RegisteredArea>& registry() {
  static std::vector<RegisteredArea> areas;
  return areas;
}
}  // namespace

AreaRegistration::AreaRegistration(std::string_view name, AreaFactory make) {
  registry().push_back(RegisteredArea{std::string(name), std::move(make)});
}

std::vector<RegisteredArea> registered_areas() {
  auto out = registry();
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<std::unique_ptr<Area>>> start_areas(AreaContext& ctx) {
  std::vector<std::unique_ptr<Area>> running;
  for (const auto& a : registered_areas()) {
    auto area = a.make(ctx);
    if (!area) {
      return Error{area.error().kind, area.error().code, "area " + a.name + ": " + area.error().message};
    }
    running.push_back(std::move(*area));
    spdlog::debug("event=area_started area={}", a.name);
  }
  return running;
}

}  // namespace mc::server
