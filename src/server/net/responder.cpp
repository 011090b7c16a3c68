#include <spdlog/spdlog.h>

#include <atomic>

#include "server/net/http_error.hpp"
#include "server/net/http_types.hpp"

namespace mc::net {

struct Responder::State {
  std::function<void(Render)> send;
  std::atomic<bool> sent{false};

  ~State() {
    if (sent.load()) return;
    spdlog::error("event=route_dropped_answer");
    try {
      send([] { return error_response(Error::internal("internal error")); });
    } catch (...) {
      // Nothing more can be done from a destructor; the connection's own
      // deadline ends it.
    }
  }
};

Responder::Responder(std::function<void(Render)> send) : state_(std::make_shared<State>()) {
  state_->send = std::move(send);
}

void Responder::operator()(HttpResponse res) const {
  if (state_->sent.exchange(true)) return;
  // std::function needs a copyable callable: the answer rides in a shared_ptr.
  auto answer = std::make_shared<HttpResponse>(std::move(res));
  state_->send([answer] { return std::move(*answer); });
}

void Responder::later(Render render) const {
  if (state_->sent.exchange(true)) return;
  state_->send(std::move(render));
}

}  // namespace mc::net
