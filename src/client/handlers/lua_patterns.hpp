// Lua's pattern functions (string.find, match, gmatch, gsub) run their whole
// backtracking search inside one C call, and Lua's count hook only fires
// between VM instructions, never inside a C function. A sandboxed script could
// therefore pin a handler thread for ever with something as short as
// string.find(("a"):rep(40), ("a*"):rep(40) .. "b"). This is a clean-room
// matcher with Lua 5.4's pattern semantics (reference manual §6.4.1) that
// bills every matching step to the sandbox's instruction budget instead.
#pragma once

#include <cstdint>

struct lua_State;

namespace mc::client::handlers {

// What the pattern functions charge their work to. charge() returns false once
// the budget is spent; the function then raises the Lua error
// "handler_limit: instructions" (the sandbox keeps the limit tripped).
class StepBudget {
 public:
  virtual ~StepBudget() = default;
  virtual bool charge(std::int64_t steps) = 0;
};

// Replaces find, match, gmatch and gsub in the table at stack index
// `string_table` with versions that run on this matcher and charge `budget`
// (which must outlive the state's use of them).
void install_pattern_functions(lua_State* L, int string_table, StepBudget* budget);

}  // namespace mc::client::handlers
