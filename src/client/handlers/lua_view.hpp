// A handler's view, from the Lua table it returns (or passes to mc.show)
// into the view format (docs/view-format.md "Views from handlers"). Reads
// with raw access only, so no metamethod of the handler's runs while the
// host reads, and checks every field's type, range and UTF-8.
#pragma once

#include <string>

#include "client/view/view.hpp"

struct lua_State;

namespace mc::client::handlers {

// Reads the table at stack index `index` into `out`. On a shape that is
// not a view, returns false and sets `error` to "handler_bad_view: WHAT at
// PATH" (e.g. "blocks[3].text is a number, not a string"). Raises only
// when the state runs out of memory (call it with the state's limits in
// force, or under lua_pcall).
bool read_view(lua_State* L, int index, View& out, std::string& error);

}  // namespace mc::client::handlers
