// Runs a handler package's Lua in a sandbox (docs/handlers.md "The
// sandbox"): a new Lua 5.4 state per run, only safe libraries, memory
// capped by the state's allocator, work capped by an instruction budget
// that the count hook, the C library wrappers and the allocator all charge,
// and a wall-clock deadline. A limit, once tripped, stays tripped: every
// function that could catch it (pcall, xpcall, coroutine.resume/close)
// raises it again, so a handler cannot swallow it and go on. The host API
// (`mc.*`) is the only way out of the state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/view/view.hpp"
#include "core/error.hpp"
#include "core/handler/package.hpp"
#include "core/wire/records.hpp"

namespace mc::client::handlers {

struct SandboxLimits {
  std::size_t memory_bytes = 64u << 20;
  std::int64_t instructions = 100'000'000;  // per call; an interactive handler's per input line
  std::chrono::milliseconds time{2000};     // idem; time waiting for input does not count
  std::size_t state_bytes = 64u << 10;      // mc.state_set's keys and values, in all
};

// What one run of a handler sees.
struct HandlerRun {
  wire::Resource resource;   // mc.resource()
  std::string content_path;  // the bytes mc.size() and mc.read() give
  int page = 1;              // args.page
  // The handler's persistent state (mc.state_get/state_set), read before
  // the run; `state_changed` tells whether to save it after.
  std::map<std::string, std::string> state;
  // mc.input(prompt): the next line, or nullopt at the end of input. Unset:
  // input ends at once (a non-interactive open).
  std::function<std::optional<std::string>(const std::string& prompt)> input;
  // mc.show(view): an intermediate view (an interactive handler's board).
  std::function<void(const View&)> show;
  // Only load the entry script and check that it returns a function (an
  // install's trial load); the result's view is empty.
  bool load_only = false;
};

struct HandlerResult {
  View view;  // opener = the handler's name
  std::map<std::string, std::string> state;
  bool state_changed = false;
  std::int64_t instructions_used = 0;  // by the open call (the last turn's, for interactive handlers)
};

// Loads `pkg`'s entry script and calls the function it returns with
// {page = N}. Errors (kFailedPrecondition): "handler_limit" (message
// "handler_limit: instructions|memory|time ..."), "handler_error" (the
// script raised: its message), "handler_bad_view" (what is wrong where).
Result<HandlerResult> run_handler(const handler::Package& pkg, HandlerRun run, const SandboxLimits& limits = {});

}  // namespace mc::client::handlers
