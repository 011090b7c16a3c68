#include "client/handlers/open_with_handler.hpp"

#include <boost/json.hpp>

#include "client/handlers/installed.hpp"
#include "client/handlers/sandbox.hpp"
#include "client/transport/url.hpp"
#include "core/handler/package.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace {

// The store's best handler for the resource, or nullopt (none, or the
// server cannot be reached: installed handlers and built-in views still work).
Result<std::optional<wire::Handler>> ask_store(Connection& conn, const wire::Resource& r) {
  auto answer =
      conn.call("GET", "/v1/handlers?kind=" + url_encode(r.type) + "&mime=" + url_encode(r.mime.substr(0, 255)));
  if (!answer) {
    if (answer.error().is(ErrorKind::kUnavailable)) return std::optional<wire::Handler>();
    return answer.error();
  }
  const auto* list = answer->is_object() ? answer->as_object().if_contains("handlers") : nullptr;
  if (!list || !list->is_array()) return Error{ErrorKind::kInternal, "unexpected_answer", "no 'handlers' list"};
  if (list->as_array().empty()) return std::optional<wire::Handler>();
  MC_TRY(auto h, wire::from_json<wire::Handler>(list->as_array().front()));
  return std::optional<wire::Handler>(std::move(h));
}

Result<std::string> download_package(Connection& conn, const wire::Handler& h) {
  MC_TRY(auto reply,
         conn.http().request("GET", "/v1/handlers/" + url_encode(h.name) + "/" + url_encode(h.version) + "/package", {},
                             conn.auth_headers()));
  if (reply.status != 200) return error_from_reply(reply);
  if (reply.body.size() > handler::kMaxPackageBytes) {
    return Error::too_large("package_too_large", "the server sent a package over 1 MiB");
  }
  return std::move(reply.body);
}

}  // namespace

Result<std::vector<wire::Handler>> list_store_handlers(Connection& conn) {
  MC_TRY(auto answer, conn.call("GET", "/v1/handlers"));
  const auto* list = answer.is_object() ? answer.as_object().if_contains("handlers") : nullptr;
  if (!list || !list->is_array()) return Error{ErrorKind::kInternal, "unexpected_answer", "no 'handlers' list"};
  std::vector<wire::Handler> out;
  for (const auto& e : list->as_array()) {
    MC_TRY(auto h, wire::from_json<wire::Handler>(e));
    out.push_back(std::move(h));
  }
  return out;
}

Result<InstalledHandler> update_from_store(Connection& conn, const std::string& home, const wire::Handler& h,
                                           const PinnedKeys& keys) {
  MC_TRY(auto bytes, download_package(conn, h));
  return install_handler(home, bytes, keys);
}

Result<std::optional<HandlerOpened>> open_with_handler(Connection& conn, const wire::Resource& r,
                                                       const std::string& content_path, const HandlerOpen& o) {
  MC_TRY(auto installed, installed_handlers(o.home));
  MC_TRY(auto keys, pinned_keys(o.home, o.config));
  auto best = best_installed(installed, r.type, r.mime);
  bool installed_now = false;
  if (!best) {
    MC_TRY(auto offered, ask_store(conn, r));
    if (!offered) return std::optional<HandlerOpened>();
    MC_TRY(auto bytes, download_package(conn, *offered));
    if (keys.public_keys.empty()) {
      MC_TRY_STATUS(pin_server_keys(conn, o.home, o.config));
      MC_TRY(keys, pinned_keys(o.home, o.config));
    }
    MC_TRY(best, install_handler(o.home, bytes, keys));
    installed_now = true;
  }
  MC_TRY(auto pkg, load_installed(o.home, *best, keys));
  handlers::HandlerRun run;
  run.resource = r;
  run.content_path = content_path;
  run.page = o.page;
  MC_TRY(run.state, load_handler_state(o.home, best->name));
  run.input = o.input;
  run.show = o.show;
  MC_TRY(auto result, handlers::run_handler(pkg, std::move(run)));
  if (result.state_changed) MC_TRY_STATUS(save_handler_state(o.home, best->name, result.state));
  return std::optional<HandlerOpened>(
      HandlerOpened{std::move(result.view), best->name + " " + best->version, installed_now});
}

}  // namespace mc::client
