#include "client/handlers/open_with_handler.hpp"

#include <boost/json.hpp>

#include "client/handlers/installed.hpp"
#include "client/handlers/sandbox.hpp"
#include "client/transport/url.hpp"
#include "core/handler/matching.hpp"
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

// The package the store listed as `h`, checked to be that one: a server
// could serve another validly signed package (an old version never
// installed here, another handler) under the name.
Result<std::string> download_package(Connection& conn, const wire::Handler& h) {
  MC_TRY(auto reply,
         conn.http().request("GET", "/v1/handlers/" + url_encode(h.name) + "/" + url_encode(h.version) + "/package", {},
                             conn.auth_headers()));
  if (reply.status != 200) return error_from_reply(reply);
  if (reply.body.size() > handler::kMaxPackageBytes) {
    return Error::too_large("package_too_large", "the server sent a package over 1 MiB");
  }
  MC_TRY(auto pkg, handler::parse_package(reply.body));
  if (pkg.manifest.name != h.name || pkg.manifest.version.text() != h.version) {
    return Error{ErrorKind::kDataLoss, "unexpected_package",
                 "the server listed " + h.name + " " + h.version + " but sent " + pkg.manifest.name + " " +
                     pkg.manifest.version.text()};
  }
  return std::move(reply.body);
}

int rank_of(const std::string& match) {
  if (match == "kind") return static_cast<int>(handler::Match::kKind);
  if (match == "mime") return static_cast<int>(handler::Match::kMime);
  if (match == "mime_wildcard") return static_cast<int>(handler::Match::kMimeWildcard);
  return 0;
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

Result<HandlerOpened> open_with_handler(Connection& conn, const wire::Resource& r, const std::string& content_path,
                                        const HandlerOpen& o) {
  HandlerOpened out;
  std::string server = conn.url().text();
  MC_TRY(auto installed, installed_handlers(o.home));
  MC_TRY(auto keys, pinned_keys(o.home, o.config, server));
  auto best = best_installed(installed, r.type, r.mime);
  int best_rank = best ? static_cast<int>(handler::match(best->kinds, best->mimes, r.type, r.mime)) : 0;
  if (best_rank < static_cast<int>(handler::Match::kKind)) {
    MC_TRY(auto offered, ask_store(conn, r));
    if (offered && rank_of(offered->match) > best_rank) {
      auto fetched = [&]() -> Result<InstalledHandler> {
        MC_TRY(auto bytes, download_package(conn, *offered));
        if (keys.public_keys.empty()) {
          MC_TRY(out.pinned_now, pin_server_keys(conn, o.home, o.config));
          MC_TRY(keys, pinned_keys(o.home, o.config, server));
        }
        return install_handler(o.home, bytes, keys);
      }();
      if (fetched) {
        best = std::move(*fetched);
        out.installed_now = true;
      } else if (!fetched.error().is(ErrorKind::kUnavailable)) {
        // Refused: never run. What is installed (if anything) still opens it.
        auto e = fetched.error();
        e.message = "the provider's handler " + offered->name + " " + offered->version + " was refused: " + e.message;
        out.refused = std::move(e);
      }
    }
  }
  if (!best) return out;
  MC_TRY(auto pkg, load_installed(o.home, *best, keys));
  handlers::HandlerRun run;
  run.resource = r;
  run.content_path = content_path;
  run.page = o.page;
  std::string state_file = handler_state_path(o.home, best->name);
  run.state = load_handler_state(state_file);
  run.input = o.input;
  run.show = o.show;
  MC_TRY(auto result, handlers::run_handler(pkg, std::move(run)));
  if (result.state_changed) MC_TRY_STATUS(save_handler_state(state_file, result.state));
  out.view = std::move(result.view);
  out.handler = best->name + " " + best->version;
  return out;
}

}  // namespace mc::client
