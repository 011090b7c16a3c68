#include "client/api/message_center.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "client/api/operations.hpp"
#include "client/local/local_store.hpp"
#include "client/sync/inbox.hpp"
#include "client/transport/url.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace json = boost::json;

namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8080";
constexpr std::size_t kMaxIdle = 4;       // connections kept alive between calls
constexpr std::size_t kMaxQueued = 1024;  // events waiting for next_event()

json::object error_json(const Error& e) {
  return {{"code", e.code}, {"message", e.message}, {"kind", std::string(kind_name(e.kind))}};
}

}  // namespace

struct MessageCenter::State {
  MessageCenterConfig config;

  // The profile, the pool and the calls running now.
  mutable std::mutex mu;
  Profile profile;
  std::vector<std::unique_ptr<Connection>> idle;
  std::set<Connection*> active;
  std::set<Connection*> cancelled;  // active ones cancel() reached: not reused

  // Events.
  std::mutex ev_mu;
  std::condition_variable ev_ready;  // an event, a handler, or closing
  std::condition_variable ev_room;   // the queue has room again
  std::deque<json::object> events;
  EventHandler handler;
  std::thread event_thread;
  bool closing = false;

  // The live follow.
  std::mutex follow_mu;
  std::thread follow_thread;
  std::atomic<bool> follow_stop{false};
  std::atomic<bool> follow_running{false};
};

MessageCenter::MessageCenter(std::unique_ptr<State> s) : s_(std::move(s)) {}

Result<std::unique_ptr<MessageCenter>> MessageCenter::open(MessageCenterConfig config) {
  if (config.home.empty()) return Error::invalid_argument("invalid_config", "name the profile directory: \"home\"");
  if (!config.server.empty()) {
    if (auto u = parse_url(config.server); !u) {
      return Error::invalid_argument("invalid_config", "\"server\": " + u.error().message);
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(config.home, ec);
  if (ec) return Error::failed_precondition("cannot_write_file", "cannot create " + config.home + ": " + ec.message());
  MC_TRY(auto profile, load_profile(config.home));
  auto s = std::make_unique<State>();
  s->config = std::move(config);
  s->profile = std::move(profile);
  if (!s->config.device_name.empty()) s->profile.device_name = s->config.device_name;
  return std::unique_ptr<MessageCenter>(new MessageCenter(std::move(s)));
}

MessageCenter::~MessageCenter() {
  stop_follow();
  cancel();
  {
    std::lock_guard lk(s_->ev_mu);
    s_->closing = true;
  }
  s_->ev_ready.notify_all();
  s_->ev_room.notify_all();
  if (s_->event_thread.joinable()) s_->event_thread.join();
}

// ---- calls -----------------------------------------------------------------

Result<json::object> MessageCenter::call(std::string_view name, const json::object& request,
                                         const CallOptions& options) {
  const Operation* op = find_operation(name);
  if (!op) {
    return Error::not_found("unknown_operation",
                            "no operation named '" + std::string(name) + "' (the operation \"operations\" lists them)");
  }
  try {
    return op->run(*this, request, options);
  } catch (const std::exception& e) {
    // The libraries below answer with errors; this is the last guard
    // against one that throws (a JSON answer of an unexpected shape).
    return Error::internal(std::string(name) + " failed unexpectedly: " + e.what());
  }
}

MessageCenter::Lease::Lease(MessageCenter* owner, std::unique_ptr<Connection> conn)
    : owner_(owner), conn_(std::move(conn)) {}
MessageCenter::Lease::Lease(Lease&& other) noexcept : owner_(other.owner_), conn_(std::move(other.conn_)) {}
MessageCenter::Lease::~Lease() {
  if (conn_) owner_->release(std::move(conn_));
}

Result<MessageCenter::Lease> MessageCenter::logged_in() {
  std::unique_ptr<Connection> conn;
  {
    std::lock_guard lk(s_->mu);
    if (s_->profile.token.empty()) {
      return Error::unauthenticated("not_logged_in", "log in first (the operation \"login\", or msgc login)");
    }
    // Reuse an idle connection with this login; drop ones of an older login.
    while (!s_->idle.empty() && !conn) {
      auto c = std::move(s_->idle.back());
      s_->idle.pop_back();
      if (c->token() == s_->profile.token) conn = std::move(c);
    }
    if (conn) {
      s_->active.insert(conn.get());
      return Lease(this, std::move(conn));
    }
  }
  std::string server_url = server();
  std::string token = profile().token;
  MC_TRY(conn, Connection::open(server_url, token));
  std::lock_guard lk(s_->mu);
  s_->active.insert(conn.get());
  return Lease(this, std::move(conn));
}

Result<MessageCenter::Lease> MessageCenter::anonymous() {
  MC_TRY(auto conn, Connection::open(server()));
  std::lock_guard lk(s_->mu);
  s_->active.insert(conn.get());
  return Lease(this, std::move(conn));
}

void MessageCenter::release(std::unique_ptr<Connection> conn) {
  std::lock_guard lk(s_->mu);
  s_->active.erase(conn.get());
  if (s_->cancelled.erase(conn.get())) return;  // a cancelled client refuses every later exchange
  if (conn->token().empty() || conn->token() != s_->profile.token) return;
  if (s_->idle.size() < kMaxIdle) s_->idle.push_back(std::move(conn));
}

void MessageCenter::cancel() {
  std::lock_guard lk(s_->mu);
  // The lock keeps each connection alive while it is cancelled: its lease
  // ends in release(), which takes the lock too.
  for (Connection* c : s_->active) {
    c->http().cancel();
    s_->cancelled.insert(c);
  }
}

const std::string& MessageCenter::home() const { return s_->config.home; }

std::string MessageCenter::server() const {
  if (!s_->config.server.empty()) return s_->config.server;
  std::lock_guard lk(s_->mu);
  return s_->profile.server.empty() ? kDefaultServer : s_->profile.server;
}

Profile MessageCenter::profile() const {
  std::lock_guard lk(s_->mu);
  return s_->profile;
}

Status MessageCenter::save(const Profile& p) {
  std::lock_guard lk(s_->mu);
  Profile next = p;
  if (next.device_name.empty()) next.device_name = s_->profile.device_name;
  MC_TRY_STATUS(save_profile(s_->config.home, next));
  s_->profile = std::move(next);
  s_->idle.clear();  // connections of the old login
  return {};
}

// ---- events ----------------------------------------------------------------

void MessageCenter::emit(json::object event) {
  bool item = false;
  if (const auto* t = event.if_contains("type"); t && t->is_string()) {
    item = t->get_string() == "item" || t->get_string() == "push";
  }
  std::unique_lock lk(s_->ev_mu);
  if (s_->events.size() >= kMaxQueued) {
    if (!item) return;  // progress and state: the next one says it again
    // Items wait for room: the follow stops reading, and the server holds
    // the rest (it is acked only after it was queued here).
    s_->ev_room.wait(lk, [&] { return s_->closing || s_->follow_stop || s_->events.size() < kMaxQueued; });
    if (s_->closing) return;
  }
  s_->events.push_back(std::move(event));
  lk.unlock();
  s_->ev_ready.notify_all();
}

Result<std::optional<json::object>> MessageCenter::next_event(std::chrono::milliseconds timeout) {
  std::unique_lock lk(s_->ev_mu);
  if (s_->handler) {
    return Error::failed_precondition("event_handler_set", "events go to the event callback; unset it first");
  }
  bool got = s_->ev_ready.wait_for(lk, timeout, [&] { return s_->closing || s_->handler || !s_->events.empty(); });
  if (!got || s_->events.empty() || s_->handler) return std::optional<json::object>{};
  json::object e = std::move(s_->events.front());
  s_->events.pop_front();
  lk.unlock();
  s_->ev_room.notify_all();
  return std::optional<json::object>(std::move(e));
}

void MessageCenter::set_event_handler(EventHandler handler) {
  std::unique_lock lk(s_->ev_mu);
  s_->handler = std::move(handler);
  if (s_->handler && !s_->event_thread.joinable()) {
    s_->event_thread = std::thread([s = s_.get()] {
      std::unique_lock l(s->ev_mu);
      for (;;) {
        s->ev_ready.wait(l, [&] { return s->closing || (s->handler && !s->events.empty()); });
        if (s->closing) return;
        json::object e = std::move(s->events.front());
        s->events.pop_front();
        EventHandler h = s->handler;  // a copy: the app may replace it from inside
        l.unlock();
        s->ev_room.notify_all();
        try {
          h(e);
        } catch (...) {
          // An app's handler that throws loses that event, not the thread.
        }
        l.lock();
      }
    });
  }
  lk.unlock();
  s_->ev_ready.notify_all();
}

// ---- following -------------------------------------------------------------

Status MessageCenter::start_follow(std::optional<std::int64_t> after) {
  std::lock_guard lk(s_->follow_mu);
  if (s_->follow_running) return Error::already_exists("already_following", "the inbox is followed already");
  if (s_->follow_thread.joinable()) s_->follow_thread.join();  // one that ended by itself
  MC_TRY(auto lease, logged_in());
  MC_TRY(auto local, LocalStore::open(home(), profile().network_id));
  s_->follow_stop = false;
  s_->follow_running = true;
  s_->follow_thread = std::thread([this, lease = std::move(lease), local = std::move(local), after]() mutable {
    FollowOptions fo;
    fo.after = after;
    fo.local = local.get();
    fo.stop = &s_->follow_stop;
    fo.on_state = [this](std::string_view state, const Error* e) {
      json::object ev{{"type", "connection"}, {"state", state}};
      if (e) ev["error"] = error_json(*e);
      emit(std::move(ev));
    };
    auto st = follow_inbox(*lease, fo, [this](const wire::InboxItem& item) -> Status {
      bool push = item.kind == wire::ItemKind::kOther && item.other_kind == "push";
      emit(json::object{{"type", push ? "push" : "item"}, {"item", wire::to_json(item)}});
      return {};
    });
    json::object ev{{"type", "connection"}, {"state", "stopped"}};
    if (!st) ev["error"] = error_json(st.error());
    s_->follow_running = false;
    emit(std::move(ev));
  });
  return {};
}

bool MessageCenter::stop_follow() {
  std::lock_guard lk(s_->follow_mu);
  bool was = s_->follow_running;
  s_->follow_stop = true;
  {
    // Taken so that an emit() between its check and its wait cannot miss the wake-up.
    std::lock_guard ev(s_->ev_mu);
  }
  s_->ev_room.notify_all();
  if (s_->follow_thread.joinable()) s_->follow_thread.join();
  return was;
}

bool MessageCenter::following() const { return s_->follow_running; }

}  // namespace mc::client
