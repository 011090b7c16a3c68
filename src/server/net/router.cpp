#include "server/net/router.hpp"

#include <charconv>

#include "server/net/http_error.hpp"

namespace mc::net {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

Status Router::admit(Access access, HttpRequest& req) const {
  if (access == Access::kPublic) return {};
  if (!authenticate_) return Error::internal("this server has no authenticator");
  MC_TRY(req.caller, authenticate_(req));
  if (access == Access::kProvider && !req.caller->is_provider()) {
    return Error::permission_denied("forbidden", "only a provider account may do this");
  }
  return {};
}

void Router::add(std::string method, std::string pattern, Access access, Handler h) {
  Route r{method, split_path(pattern), {}, {}, {}, {}, Start::kOnWorkers, nullptr};
  r.metrics = std::make_shared<RouteMetrics>(method + " " + pattern);
  r.handler = [this, access, h = std::move(h)](HttpRequest& req) -> HttpResponse {
    if (auto st = admit(access, req); !st) return error_response(st.error());
    auto res = h(req);
    return res ? std::move(*res) : error_response(res.error());
  };
  routes_.push_back(std::move(r));
}

void Router::add_async(std::string method, std::string pattern, Access access, AsyncHandler h, Start start) {
  Route r{method, split_path(pattern), {}, {}, {}, {}, start, nullptr};
  r.metrics = std::make_shared<RouteMetrics>(method + " " + pattern);
  r.async = [this, access, h = std::move(h)](HttpRequest& req, Responder reply) {
    if (auto st = admit(access, req); !st) return reply(error_response(st.error()));
    if (auto st = h(req, reply); !st) reply(error_response(st.error()));  // ignored if it had answered
  };
  routes_.push_back(std::move(r));
}

void Router::add_upload(std::string method, std::string pattern, Access access, UploadHandler h) {
  Route r{method, split_path(pattern), {}, {}, {}, {}, Start::kOnWorkers, nullptr};
  r.metrics = std::make_shared<RouteMetrics>(method + " " + pattern);
  r.upload = [this, access, h = std::move(h)](HttpRequest& req) -> Result<std::unique_ptr<UploadSink>> {
    MC_TRY_STATUS(admit(access, req));
    return h(req);
  };
  routes_.push_back(std::move(r));
}

void Router::add_websocket(std::string pattern, Access access, WebSocketHandler h) {
  Route r{"GET", split_path(pattern), {}, {}, {}, {}, Start::kOnWorkers, nullptr};
  r.websocket = [this, access,
                 h = std::move(h)](HttpRequest& req,
                                   std::shared_ptr<WebSocketPeer> peer) -> Result<std::unique_ptr<WebSocketSession>> {
    MC_TRY_STATUS(admit(access, req));
    return h(req, std::move(peer));
  };
  routes_.push_back(std::move(r));
}

Router::Match Router::match(const std::string& method, const std::string& path, bool websocket) const {
  auto segs = split_path(path);
  Match result;
  for (const auto& r : routes_) {
    if (static_cast<bool>(r.websocket) != websocket) continue;
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool same = true;
    for (std::size_t i = 0; i < segs.size() && same; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = segs[i];
      } else {
        same = p == segs[i];
      }
    }
    if (!same) continue;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
      result.kind = Match::kMethodNotAllowed;
      continue;
    }
    result.params = std::move(params);
    result.metrics = r.metrics.get();
    if (r.handler) {
      result.kind = Match::kHandler;
      result.handler = &r.handler;
    } else if (r.async) {
      result.kind = Match::kAsync;
      result.async = &r.async;
      result.start = r.start;
    } else if (r.upload) {
      result.kind = Match::kUpload;
      result.upload = &r.upload;
    } else {
      result.kind = Match::kWebSocket;
      result.websocket = &r.websocket;
    }
    return result;
  }
  return result;
}

}  // namespace mc::net
