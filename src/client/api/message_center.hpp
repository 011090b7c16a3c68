// The message center as one object an app holds (the patent's terminal,
// claims 9 and 10): a profile directory, the server it talks to, the calls
// an app makes by name (operations.hpp), and the events it hands back
// (inbox items as they arrive, the live connection's state, download
// progress). msgc and the C API (include/msgcenter/msgcenter.h) both drive
// it, so the terminal and an embedding app cannot drift apart.
//
// Threads: every member may be called from any thread at once. Calls run on
// the caller's thread, each on a connection of its own (a small pool keeps
// them alive between calls). The live follow runs on a thread of its own.
// With an event handler set, events are handed to it on one event thread,
// in order, one at a time; without one they queue for next_event().
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "client/acquire/download.hpp"
#include "client/connection.hpp"
#include "client/local/profile.hpp"
#include "core/error.hpp"

namespace mc::client {

struct MessageCenterConfig {
  std::string home;         // the profile directory (required)
  std::string server;       // "" : the profile's server, else http://127.0.0.1:8080
  std::string device_name;  // a label for this install, kept in the profile
  bool create_home = true;  // make `home` (mode 0700) now; else when first written
};

struct CallOptions {
  // Download progress of this call; unset: "progress" events.
  ProgressFn progress;
  // For interactive handlers (a game): the next line the user types, or
  // nullopt at the end of input; and each intermediate view, as
  // {"view": VIEW} plus "text" (VIEW rendered) when the call asked for a
  // width. Unset: input ends at once, and intermediate views are not shown.
  std::function<std::optional<std::string>(const std::string& prompt)> input;
  std::function<void(const boost::json::object& shown)> show;
};

using EventHandler = std::function<void(const boost::json::object& event)>;

class MessageCenter {
 public:
  // Errors: kInvalidArgument "invalid_config" (no home, a server URL that
  // does not parse), the profile's errors.
  static Result<std::unique_ptr<MessageCenter>> open(MessageCenterConfig config);
  // Refuses new calls, stops the follow, ends calls still running, and
  // stops the event thread (joined; or, when the handler itself frees the
  // message center, left to end as soon as the handler returns).
  ~MessageCenter();
  MessageCenter(const MessageCenter&) = delete;
  MessageCenter& operator=(const MessageCenter&) = delete;

  // Runs the operation `name` (operations.hpp) with `request`. Errors: the
  // operation's; kNotFound "unknown_operation"; kUnauthenticated
  // "not_logged_in" for an operation that needs a login, without one;
  // kCancelled "cancelled" after cancel().
  Result<boost::json::object> call(std::string_view name, const boost::json::object& request,
                                   const CallOptions& options = {});

  // The next event, waiting at most `timeout`; std::nullopt when none came.
  // Errors: kFailedPrecondition "event_handler_set" while a handler takes
  // the events; "client_closed" once the message center is going away.
  Result<std::optional<boost::json::object>> next_event(std::chrono::milliseconds timeout);
  // Hands every later event (and those queued) to `handler` on the event
  // thread; an empty handler returns to queueing. Returns once the old
  // handler is not running (unless called from inside it).
  void set_event_handler(EventHandler handler);

  // Ends every call running now with kCancelled (each exchange with the
  // server it is in, or starts); later calls run normally.
  void cancel();

  // ---- for the operations -------------------------------------------------
  // A connection that is returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(MessageCenter* owner, std::unique_ptr<Connection> conn);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    MessageCenter* owner_;
    std::unique_ptr<Connection> conn_;
  };
  // A connection with the profile's login. Errors: "not_logged_in".
  Result<Lease> logged_in();
  // A connection without a login (register, login).
  Result<Lease> anonymous();

  const std::string& home() const;
  // The server calls go to: the configured one, else the profile's, else the default.
  std::string server() const;
  Profile profile() const;
  // Saves the profile (under the profile lock) after a login or a logout.
  Status save(const Profile& p);

  // Queues an event (or hands it to the handler). Items and the follow's
  // "stopped" wait for room; progress and other connection states are
  // dropped when 1,024 events are waiting.
  void emit(boost::json::object event);
  // Starts following the inbox live on the follow thread. Errors:
  // kAlreadyExists "already_following"; the login's.
  Status start_follow(std::optional<std::int64_t> after);
  // Stops it; returns whether one was running.
  bool stop_follow();
  bool following() const;

 private:
  struct State;
  explicit MessageCenter(std::shared_ptr<State> s);
  Result<Lease> lease(std::unique_ptr<Connection> conn);
  void release(std::unique_ptr<Connection> conn);
  // Shared with the event thread, which may outlive this object by the
  // rest of one handler call (a handler that frees the message center).
  std::shared_ptr<State> s_;
};

}  // namespace mc::client
