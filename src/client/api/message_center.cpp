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

// The cancel generation of the MessageCenter call running on this thread.
thread_local std::uint64_t t_call_gen = 0;

bool is_droppable(const json::object& event) {
  const auto* t = event.if_contains("type");
  if (!t || !t->is_string()) return true;
  if (t->get_string() == "progress") return true;
  if (t->get_string() != "connection") return false;  // items and pushes
  const auto* state = event.if_contains("state");
  return !(state && state->is_string() && state->get_string() == "stopped");
}

json::object error_json(const Error& e) {
  return {{"code", e.code}, {"message", e.message}, {"kind", std::string(kind_name(e.kind))}};
}

}  // namespace

struct MessageCenter::State {
  MessageCenterConfig config;
  std::atomic<bool> closing_calls{false};  // the message center is going away: no new calls
  // cancel() counts up; a call that began before a cancel cancels the
  // connection it takes after it (see lease()).
  std::uint64_t cancel_gen = 0;  // under mu

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
  bool in_handler = false;               // the event thread is inside the handler
  std::condition_variable handler_idle;  // ... and has left it
  bool closing = false;

  // The live follow.
  std::mutex follow_mu;
  std::thread follow_thread;
  std::atomic<bool> follow_stop{false};
  std::atomic<bool> follow_running{false};
};

MessageCenter::MessageCenter(std::shared_ptr<State> s) : s_(std::move(s)) {}

Result<std::unique_ptr<MessageCenter>> MessageCenter::open(MessageCenterConfig config) {
  if (config.home.empty()) return Error::invalid_argument("invalid_config", "name the profile directory: \"home\"");
  if (!config.server.empty()) {
    if (auto u = parse_url(config.server); !u) {
      return Error::invalid_argument("invalid_config", "\"server\": " + u.error().message);
    }
  }
  if (config.create_home) {
    std::error_code ec;
    if (std::filesystem::create_directories(config.home, ec)) {
      std::filesystem::permissions(config.home, std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, ec);
    }
    if (ec || !std::filesystem::is_directory(config.home)) {
      return Error::failed_precondition("cannot_write_file", "cannot create the directory " + config.home +
                                                                 (ec ? ": " + ec.message() : std::string()));
    }
  }
  MC_TRY(auto profile, load_profile(config.home));
  auto s = std::make_shared<State>();
  s->config = std::move(config);
  s->profile = std::move(profile);
  const std::string& name = s->config.device_name;
  if (!name.empty() && name != s->profile.device_name) {
    s->profile.device_name = name;
    // Kept in a profile that exists; a new one gets it at the first login.
    if (!s->profile.network_id.empty()) MC_TRY_STATUS(save_profile(s->config.home, s->profile));
  }
  return std::unique_ptr<MessageCenter>(new MessageCenter(std::move(s)));
}

MessageCenter::~MessageCenter() {
  s_->closing_calls = true;  // from here no call starts, and no follow
  stop_follow();
  cancel();
  {
    std::lock_guard lk(s_->ev_mu);
    s_->closing = true;
  }
  s_->ev_ready.notify_all();
  s_->ev_room.notify_all();
  s_->handler_idle.notify_all();
  if (s_->event_thread.joinable()) {
    // A handler that frees the message center runs on the event thread,
    // which cannot join itself: it ends when the handler returns, holding
    // the state until then.
    if (s_->event_thread.get_id() == std::this_thread::get_id()) s_->event_thread.detach();
    else s_->event_thread.join();
  }
}

// ---- calls -----------------------------------------------------------------

Result<json::object> MessageCenter::call(std::string_view name, const json::object& request,
                                         const CallOptions& options) {
  const Operation* op = find_operation(name);
  if (!op) {
    return Error::not_found("unknown_operation",
                            "no operation named '" + std::string(name) + "' (the operation \"operations\" lists them)");
  }
  if (s_->closing_calls) return Error::cancelled("the client is being freed");
  std::uint64_t outer_gen = t_call_gen;  // a handler's call inside another call, on the event thread
  {
    std::lock_guard lk(s_->mu);
    t_call_gen = s_->cancel_gen;
  }
  struct Restore {
    std::uint64_t gen;
    ~Restore() { t_call_gen = gen; }
  } restore{outer_gen};
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
      return Error::unauthenticated("not_logged_in", "log in first: msgc login NETWORK_ID, or the operation \"login\"");
    }
    // Reuse an idle connection with this login; drop ones of an older login.
    while (!s_->idle.empty() && !conn) {
      auto c = std::move(s_->idle.back());
      s_->idle.pop_back();
      if (c->token() == s_->profile.token) conn = std::move(c);
    }
  }
  if (!conn) {
    MC_TRY(conn, Connection::open(server(), profile().token));
  }
  return lease(std::move(conn));
}

Result<MessageCenter::Lease> MessageCenter::anonymous() {
  MC_TRY(auto conn, Connection::open(server()));
  return lease(std::move(conn));
}

Result<MessageCenter::Lease> MessageCenter::lease(std::unique_ptr<Connection> conn) {
  std::lock_guard lk(s_->mu);
  s_->active.insert(conn.get());
  // A cancel() since this call began (while it had no connection to reach)
  // still ends it.
  if (s_->cancel_gen != t_call_gen) {
    conn->http().cancel();
    s_->cancelled.insert(conn.get());
  }
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
  ++s_->cancel_gen;
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
  bool droppable = is_droppable(event);
  std::unique_lock lk(s_->ev_mu);
  if (s_->events.size() >= kMaxQueued) {
    if (droppable) return;  // progress and state: the next one says it again
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
  if (s_->closing) return Error::failed_precondition("client_closed", "the client is being freed");
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
  if (s_->closing) return;
  s_->handler = std::move(handler);
  if (s_->handler && !s_->event_thread.joinable()) {
    s_->event_thread = std::thread([s = s_] {
      std::unique_lock l(s->ev_mu);
      for (;;) {
        s->ev_ready.wait(l, [&] { return s->closing || (s->handler && !s->events.empty()); });
        if (s->closing) return;
        json::object e = std::move(s->events.front());
        s->events.pop_front();
        EventHandler h = s->handler;  // a copy: the app may replace it from inside
        s->in_handler = true;
        l.unlock();
        s->ev_room.notify_all();
        try {
          h(e);
        } catch (...) {
          // An app's handler that throws loses that event, not the thread.
        }
        l.lock();
        s->in_handler = false;
        s->handler_idle.notify_all();
      }
    });
  }
  // The old handler may be running now: an app that frees what it used
  // must be able to, once this returns.
  if (s_->event_thread.get_id() != std::this_thread::get_id()) {
    s_->handler_idle.wait(lk, [&] { return !s_->in_handler || s_->closing; });
  }
  lk.unlock();
  s_->ev_ready.notify_all();
}

// ---- following -------------------------------------------------------------

Status MessageCenter::start_follow(std::optional<std::int64_t> after) {
  std::lock_guard lk(s_->follow_mu);
  if (s_->closing_calls) return Error::cancelled("the client is being freed");
  if (s_->follow_running) return Error::already_exists("already_following", "the inbox is followed already");
  if (s_->follow_thread.joinable()) s_->follow_thread.join();  // one that ended by itself
  MC_TRY(auto lease, logged_in());
  MC_TRY(auto local, LocalStore::open(home(), profile().network_id));
  s_->follow_stop = false;
  s_->follow_running = true;
  auto body = [this, lease = std::move(lease), local = std::move(local), after]() mutable {
    Status st;
    try {
      FollowOptions fo;
      fo.after = after;
      fo.local = local.get();
      fo.stop = &s_->follow_stop;
      fo.on_state = [this](std::string_view state, const Error* e) {
        json::object ev{{"type", "connection"}, {"state", state}};
        if (e) ev["error"] = error_json(*e);
        emit(std::move(ev));
      };
      st = follow_inbox(*lease, fo, [this](const wire::InboxItem& item) -> Status {
        bool push = item.kind == wire::ItemKind::kOther && item.other_kind == "push";
        emit(json::object{{"type", push ? "push" : "item"}, {"item", wire::to_json(item)}});
        return {};
      });
    } catch (const std::exception& e) {
      st = Error::internal(std::string("following failed unexpectedly: ") + e.what());
    }
    json::object ev{{"type", "connection"}, {"state", "stopped"}};
    if (!st) ev["error"] = error_json(st.error());
    s_->follow_running = false;
    emit(std::move(ev));
  };
  try {
    s_->follow_thread = std::thread(std::move(body));
  } catch (const std::system_error& e) {
    s_->follow_running = false;
    return Error::internal(std::string("cannot start following: ") + e.what());
  }
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
