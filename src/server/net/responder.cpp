#include <spdlog/spdlog.h>

#include <atomic>

#include "server/net/http_error.hpp"
#include "server/net/http_types.hpp"

namespace mc::net {

struct Responder::State {
  std::function<void(HttpResponse)> send;
  std::atomic<bool> sent{false};

  ~State() {
    if (sent.load()) return;
    spdlog::error("event=route_dropped_answer");
    try {
      send(error_response(Error::internal("internal error")));
    } catch (...) {
      // Nothing more can be done from a destructor; the connection's own
      // deadline ends it.
    }
  }
};

Responder::Responder(std::function<void(HttpResponse)> send) : state_(std::make_shared<State>()) {
  state_->send = std::move(send);
}

void Responder::operator()(HttpResponse res) const {
  if (state_->sent.exchange(true)) return;
  state_->send(std::move(res));
}

}  // namespace mc::net
