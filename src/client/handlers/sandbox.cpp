#include "client/handlers/sandbox.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "client/handlers/lua_patterns.hpp"
#include "client/handlers/lua_view.hpp"

extern "C" {
#include <lua5.4/lauxlib.h>
#include <lua5.4/lua.h>
#include <lua5.4/lualib.h>
}

// Debian's liblua5.4 is C: lua_error and a failed allocation longjmp through
// these frames without running destructors. So no C function below keeps a
// C++ object that owns memory alive across a Lua call that can raise; what
// C++ needs lives in the Sandbox, which outlives the state.

namespace mc::client::handlers {

namespace {

using Clock = std::chrono::steady_clock;

enum class Limit { kNone, kInstructions, kMemory, kTime };

// Instructions between two count-hook calls. Small, so that instructions
// that each do much work (comparing two 16 MiB strings) cannot add up to
// long between checks; the hook is cheap next to the per-instruction trap
// that any count hook costs in Lua 5.4.
constexpr int kHookEvery = 100;
// A string or buffer of n bytes costs n / kBytesPerStep steps.
constexpr std::int64_t kBytesPerStep = 16;
constexpr std::size_t kMaxRead = 1u << 20;
constexpr std::size_t kMaxBuiltString = 16u << 20;
constexpr lua_Integer kMaxUnpack = 10000;
constexpr std::size_t kMaxErrorMessage = 500;
constexpr std::size_t kMaxJsonText = 1u << 20;

struct Sandbox final : StepBudget {
  SandboxLimits limits;
  const handler::Package* pkg = nullptr;
  HandlerRun* run = nullptr;
  int content_fd = -1;
  std::int64_t content_size = 0;

  std::size_t used = 0;  // bytes the state holds
  std::int64_t remaining = 0;
  std::int64_t charged_this_call = 0;
  Clock::time_point deadline;
  int ticks = 0;
  Limit tripped = Limit::kNone;
  bool state_changed = false;
  std::size_t state_bytes = 0;
  std::string scratch;  // input lines and error texts on their way into the state
  std::string view_error;

  void start_call() {
    remaining = limits.instructions;
    charged_this_call = 0;
    deadline = Clock::now() + limits.time;
  }

  void trip(Limit l) {
    if (tripped == Limit::kNone) tripped = l;
  }

  bool charge(std::int64_t steps) override {
    if (tripped != Limit::kNone) return false;
    remaining -= steps;
    charged_this_call += steps;
    if (remaining < 0) {
      trip(Limit::kInstructions);
      return false;
    }
    // Large charges are rare and long: check the clock with them.
    if ((steps >= 4096 || (++ticks & 7) == 0) && Clock::now() > deadline) {
      trip(Limit::kTime);
      return false;
    }
    return true;
  }

  std::string limit_message() const {
    switch (tripped) {
      case Limit::kInstructions:
        return "handler_limit: instructions (more than " + std::to_string(limits.instructions) + " in one call)";
      case Limit::kMemory:
        return "handler_limit: memory (more than " + std::to_string(limits.memory_bytes >> 20) + " MiB)";
      case Limit::kTime:
        return "handler_limit: time (more than " + std::to_string(limits.time.count()) + " ms in one call)";
      case Limit::kNone:
        break;
    }
    return "";
  }
};

Sandbox& sandbox_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return *static_cast<Sandbox*>(ud);
}

// The allocator: counts every byte, refuses growth past the cap or once a
// limit has tripped, and bills what it copies to the budget (a loop that
// builds big strings does much work per instruction).
void* allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto& s = *static_cast<Sandbox*>(ud);
  std::size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    std::free(ptr);
    s.used -= old;
    return nullptr;
  }
  if (nsize > old) {
    if (s.tripped != Limit::kNone) return nullptr;
    if (s.used - old + nsize > s.limits.memory_bytes) {
      s.trip(Limit::kMemory);
      return nullptr;
    }
    if (nsize - old >= 256 && !s.charge(static_cast<std::int64_t>((nsize - old) / kBytesPerStep))) return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (!p) return nullptr;
  s.used = s.used - old + nsize;
  return p;
}

[[noreturn]] void raise_limit(lua_State* L) {
  auto& s = sandbox_of(L);
  // The message is built without allocating from the state (it refuses
  // once tripped): push a preallocated literal; the host reports the text.
  (void)s;
  lua_pushliteral(L, "handler_limit");
  lua_error(L);
  std::abort();  // lua_error does not return
}

void count_hook(lua_State* L, lua_Debug*) {
  auto& s = sandbox_of(L);
  if (!s.charge(kHookEvery) || s.tripped != Limit::kNone) raise_limit(L);
}

void set_hook(lua_State* L) { lua_sethook(L, count_hook, LUA_MASKCOUNT, kHookEvery); }

// ---- functions that catch errors: a tripped limit passes through -------------

int finish_pcall(lua_State* L, int status, lua_KContext extra) {
  if (sandbox_of(L).tripped != Limit::kNone) raise_limit(L);
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - static_cast<int>(extra);
}

int sb_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
  return finish_pcall(L, status, 0);
}

int sb_xpcall(lua_State* L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);  // f, handler, true, f, args...
  int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
  return finish_pcall(L, status, 2);
}

// coroutine.create/resume/wrap/close from the standard library, with every
// new coroutine given the count hook and every caught limit raised again.
int sb_co_create(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));  // the original create
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  set_hook(lua_tothread(L, -1));
  return 1;
}

int sb_co_passthrough(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  if (sandbox_of(L).tripped != Limit::kNone) raise_limit(L);
  return lua_gettop(L);
}

int sb_co_wrapped(lua_State* L) {
  lua_State* co = lua_tothread(L, lua_upvalueindex(1));
  int nargs = lua_gettop(L);
  if (!lua_checkstack(co, nargs + 1)) luaL_error(L, "too many arguments to resume");
  lua_xmove(L, co, nargs);
  int nres = 0;
  int status = lua_resume(co, L, nargs, &nres);
  if (sandbox_of(L).tripped != Limit::kNone) raise_limit(L);
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) luaL_error(L, "too many results to resume");
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1);  // the error
  if (lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

int sb_co_wrap(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State* co = lua_newthread(L);
  set_hook(co);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, sb_co_wrapped, 1);
  return 1;
}

// ---- the base library's risky parts ------------------------------------------

// load(chunk [, chunkname [, mode [, env]]]): source text only; the mode
// argument cannot ask for bytecode.
int sb_load(lua_State* L) {
  std::size_t len = 0;
  const char* text = lua_tolstring(L, 1, &len);
  if (!text || lua_type(L, 1) != LUA_TSTRING) {
    luaL_pushfail(L);
    lua_pushliteral(L, "load takes source text only in the sandbox");
    return 2;
  }
  const char* name = luaL_optstring(L, 2, "=(load)");
  int env = !lua_isnone(L, 4) ? 4 : 0;
  int status = luaL_loadbufferx(L, text, len, name, "t");
  if (status != LUA_OK) {
    if (sandbox_of(L).tripped != Limit::kNone) raise_limit(L);
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (env) {
    lua_pushvalue(L, env);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  }
  return 1;
}

// setmetatable refuses __gc: Lua runs finalizers with hooks off, so a
// finalizer could loop for ever where no limit reaches it, even after the
// handler returned. An object marked at setmetatable time is the only way
// to get one, so refusing the field there refuses all finalizers.
int sb_setmetatable(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    int t = lua_rawget(L, 2);
    lua_pop(L, 1);
    if (t != LUA_TNIL) luaL_error(L, "__gc metamethods are not allowed in the sandbox");
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int sb_collectgarbage(lua_State* L) {
  const char* opt = luaL_optstring(L, 1, "collect");
  if (std::strcmp(opt, "collect") != 0 && std::strcmp(opt, "count") != 0 && std::strcmp(opt, "step") != 0) {
    return luaL_error(L, "collectgarbage(\"%s\") is not allowed in the sandbox", opt);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// require(PATH): another .lua file of the same package, run once.
int sb_require(lua_State* L) {
  std::size_t len = 0;
  const char* path = luaL_checklstring(L, 1, &len);
  lua_getfield(L, LUA_REGISTRYINDEX, "mc.loaded");
  lua_pushvalue(L, 1);
  if (lua_rawget(L, -2) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  auto& s = sandbox_of(L);
  const handler::PackageFile* file = nullptr;
  for (const auto& f : s.pkg->files) {
    if (f.path.size() == len && std::memcmp(f.path.data(), path, len) == 0) file = &f;
  }
  if (!file || !file->path.ends_with(".lua")) return luaL_error(L, "require: the package has no file '%s'", path);
  lua_pushliteral(L, "=");
  lua_pushvalue(L, 1);
  lua_concat(L, 2);
  if (luaL_loadbufferx(L, file->bytes.data(), file->bytes.size(), lua_tostring(L, -1), "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, -2);
  lua_rawset(L, -5);  // mc.loaded[path] = result
  return 1;
}

// ---- C library functions the hook cannot interrupt ---------------------------

// The string, utf8 and table functions are left as they are, apart from the
// few below: the others either do work in proportion to what they allocate
// (sub, rep, upper, format, byte of a range: the allocator bills it) or a
// bounded amount, and the call instruction itself is counted by the hook.

void charge_or_raise(lua_State* L, std::int64_t steps) {
  if (!sandbox_of(L).charge(steps)) raise_limit(L);
}

int call_original(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

int sb_rep(lua_State* L) {
  std::size_t len = 0, sep = 0;
  luaL_checklstring(L, 1, &len);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &sep);
  if (n > 0) {
    double total =
        static_cast<double>(len) * static_cast<double>(n) + static_cast<double>(sep) * static_cast<double>(n - 1);
    if (total > static_cast<double>(kMaxBuiltString)) {
      return luaL_error(L, "string.rep: the result would be over %d MiB", static_cast<int>(kMaxBuiltString >> 20));
    }
    // Repetitions count like bytes even when they copy nothing: rep("", 2^62) loops 2^62 times.
    double steps = 1 + (total + static_cast<double>(n)) / kBytesPerStep;
    charge_or_raise(L, steps > 1e15 ? std::int64_t{1'000'000'000'000'000} : static_cast<std::int64_t>(steps));
  }
  return call_original(L);
}

// utf8.len(s [, i [, j]]) and utf8.codepoint(s [, i [, j]]) walk bytes i..j
// without allocating; utf8.offset may walk the whole string.
int sb_utf8_walk(lua_State* L) {
  std::size_t len = 0;
  luaL_checklstring(L, 1, &len);
  auto n = static_cast<lua_Integer>(len);
  // Positions as Lua reads them, clamped to 0..n+1 so that no arithmetic
  // below can overflow (utf8.len(s, math.mininteger, math.maxinteger)).
  auto position = [n](lua_Integer p) -> lua_Integer {
    if (p >= 0) return std::min(p, n + 1);
    if (p < -n) return 0;
    return n + p + 1;
  };
  std::int64_t bytes = n;
  int kind = static_cast<int>(lua_tointeger(L, lua_upvalueindex(2)));  // 0 len, 1 codepoint, 2 offset
  if (kind != 2) {
    lua_Integer i = position(luaL_optinteger(L, 2, 1));
    lua_Integer j = position(luaL_optinteger(L, 3, kind == 0 ? -1 : i));
    bytes = j >= i ? j - i + 1 : 0;
  }
  charge_or_raise(L, 1 + bytes / kBytesPerStep);
  return call_original(L);
}

// table.concat(list [, sep [, i [, j]]]): one step per element, up front.
int sb_concat(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  lua_Integer j = lua_isnoneornil(L, 4) ? static_cast<lua_Integer>(luaL_len(L, 1)) : luaL_checkinteger(L, 4);
  if (j >= i) {
    double count = static_cast<double>(j) - static_cast<double>(i) + 1;
    if (count > 1e9) return luaL_error(L, "table.concat: the range is too large");
    charge_or_raise(L, static_cast<std::int64_t>(count));
  }
  return call_original(L);
}

int sb_unpack(lua_State* L) {
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer j = lua_isnoneornil(L, 3) ? static_cast<lua_Integer>(luaL_len(L, 1)) : luaL_checkinteger(L, 3);
  if (j >= i && (static_cast<double>(j) - static_cast<double>(i) + 1) > static_cast<double>(kMaxUnpack)) {
    return luaL_error(L, "table.unpack: more than %d values", static_cast<int>(kMaxUnpack));
  }
  if (j >= i) charge_or_raise(L, j - i + 1);
  return call_original(L);
}

// table.sort, insert, remove and move walk the list inside C, by its
// length as they see it (luaL_len: __len counts, as in the originals).
enum ListWalk { kSort, kInsert, kRemove, kMove };

int sb_walks_list(lua_State* L) {
  auto walk = static_cast<ListWalk>(lua_tointeger(L, lua_upvalueindex(2)));
  double steps = 1;
  if (walk == kMove) {
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f) steps += static_cast<double>(e) - static_cast<double>(f);
  } else {
    luaL_checktype(L, 1, LUA_TTABLE);
    auto n = static_cast<double>(luaL_len(L, 1));
    if (walk == kSort) {
      steps += n > 1 ? n * std::log2(n) : 0;
    } else {
      // Appending and popping the last element are O(1); a position
      // shifts everything after it.
      bool positional = walk == kInsert ? lua_gettop(L) >= 3 : lua_gettop(L) >= 2;
      if (positional) {
        auto pos = static_cast<double>(luaL_checkinteger(L, 2));
        steps += std::max(0.0, n - pos + 1);
      }
    }
  }
  charge_or_raise(L, steps > 1e15 ? std::int64_t{1'000'000'000'000'000} : static_cast<std::int64_t>(steps));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// Replaces table[name] with f, which gets the original as upvalue 1 (and
// `tag`, when given, as upvalue 2).
void wrap_field(lua_State* L, int table, const char* name, lua_CFunction f, std::optional<lua_Integer> tag = {}) {
  lua_getfield(L, table, name);
  if (tag) lua_pushinteger(L, *tag);
  lua_pushcclosure(L, f, tag ? 2 : 1);
  lua_setfield(L, table, name);
}

// ---- mc.* -------------------------------------------------------------------------

void push_resource(lua_State* L, const wire::Resource& r) {
  lua_createtable(L, 0, 10);
  auto set_str = [&](const char* k, const std::string& v) {
    lua_pushlstring(L, v.data(), v.size());
    lua_setfield(L, -2, k);
  };
  set_str("id", r.id);
  set_str("title", r.title);
  set_str("type", r.type);
  set_str("mime", r.mime);
  set_str("sha256", r.sha256);
  set_str("filename", r.filename);
  set_str("publisher", r.publisher);
  lua_pushinteger(L, r.size);
  lua_setfield(L, -2, "size");
  lua_pushinteger(L, r.created_at);
  lua_setfield(L, -2, "created_at");
  lua_createtable(L, static_cast<int>(r.tags.size()), 0);
  for (std::size_t i = 0; i < r.tags.size(); ++i) {
    lua_pushlstring(L, r.tags[i].data(), r.tags[i].size());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "tags");
}

int mc_resource(lua_State* L) {
  push_resource(L, sandbox_of(L).run->resource);
  return 1;
}

int mc_size(lua_State* L) {
  lua_pushinteger(L, sandbox_of(L).content_size);
  return 1;
}

int mc_read(lua_State* L) {
  auto& s = sandbox_of(L);
  lua_Integer offset = luaL_checkinteger(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, offset >= 0, 1, "offset must be 0 or more");
  luaL_argcheck(L, n >= 0 && n <= static_cast<lua_Integer>(kMaxRead), 2, "reads at most 1 MiB at a time");
  if (offset >= s.content_size || n == 0 || s.content_fd < 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  auto want = static_cast<std::size_t>(std::min<lua_Integer>(n, s.content_size - offset));
  charge_or_raise(L, 1 + static_cast<std::int64_t>(want) / kBytesPerStep);
  luaL_Buffer b;
  char* p = luaL_buffinitsize(L, &b, want);
  std::size_t got = 0;
  while (got < want) {
    ssize_t r = ::pread(s.content_fd, p + got, want - got, static_cast<off_t>(offset) + static_cast<off_t>(got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  luaL_pushresultsize(&b, got);
  return 1;
}

// JSON values into Lua values, called under lua_pcall by mc_json_decode so
// that a memory error unwinds to it and not past the parsed document.
int push_json(lua_State* L, const boost::json::value& v, int depth) {
  if (depth > 200 || !lua_checkstack(L, 4)) return luaL_error(L, "JSON nested too deep");
  switch (v.kind()) {
    case boost::json::kind::null:
      lua_pushlightuserdata(L, nullptr);
      break;
    case boost::json::kind::bool_:
      lua_pushboolean(L, v.get_bool());
      break;
    case boost::json::kind::int64:
      lua_pushinteger(L, v.get_int64());
      break;
    case boost::json::kind::uint64:
      lua_pushnumber(L, static_cast<lua_Number>(v.get_uint64()));
      break;
    case boost::json::kind::double_:
      lua_pushnumber(L, v.get_double());
      break;
    case boost::json::kind::string:
      lua_pushlstring(L, v.get_string().data(), v.get_string().size());
      break;
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      lua_createtable(L, static_cast<int>(std::min<std::size_t>(a.size(), 1 << 20)), 0);
      lua_Integer i = 1;
      for (const auto& e : a) {
        push_json(L, e, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      break;
    }
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      lua_createtable(L, 0, static_cast<int>(std::min<std::size_t>(o.size(), 1 << 20)));
      for (const auto& kv : o) {
        lua_pushlstring(L, kv.key().data(), kv.key().size());
        push_json(L, kv.value(), depth + 1);
        lua_rawset(L, -3);
      }
      break;
    }
  }
  return 1;
}

int push_json_protected(lua_State* L) {
  const auto* v = static_cast<const boost::json::value*>(lua_touserdata(L, 1));
  return push_json(L, *v, 0);
}

int mc_json_decode(lua_State* L) {
  std::size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  // The parsed document lives on the C++ heap, outside the state's cap, at
  // a few times the text's size: the text is bounded instead.
  luaL_argcheck(L, len <= kMaxJsonText, 1, "mc.json_decode takes at most 1 MiB of text");
  charge_or_raise(L, 1 + static_cast<std::int64_t>(len) / 4);
  int status = LUA_OK;
  bool parsed = false;
  {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(std::string_view(text, len), ec);
    if (!ec) {
      parsed = true;
      lua_pushcfunction(L, push_json_protected);
      lua_pushlightuserdata(L, &v);
      status = lua_pcall(L, 1, 1, 0);  // errors stop inside this call, before v goes
    } else {
      sandbox_of(L).scratch = "invalid JSON: " + ec.message();
    }
  }
  if (!parsed) {
    auto& msg = sandbox_of(L).scratch;
    luaL_pushfail(L);
    lua_pushlstring(L, msg.data(), msg.size());
    return 2;
  }
  if (status != LUA_OK) {
    if (sandbox_of(L).tripped != Limit::kNone) raise_limit(L);
    return lua_error(L);
  }
  return 1;
}

int mc_state_get(lua_State* L) {
  std::size_t len = 0;
  const char* key = luaL_checklstring(L, 1, &len);
  auto& state = sandbox_of(L).run->state;
  auto it = state.find(std::string(key, len));
  if (it == state.end()) {
    lua_pushnil(L);
  } else {
    const std::string& v = it->second;  // owned by the run, not this frame
    lua_pushlstring(L, v.data(), v.size());
  }
  return 1;
}

int mc_state_set(lua_State* L) {
  std::size_t klen = 0, vlen = 0;
  const char* key = luaL_checklstring(L, 1, &klen);
  const char* value = lua_isnil(L, 2) ? nullptr : luaL_checklstring(L, 2, &vlen);
  auto& s = sandbox_of(L);
  bool fits = true;
  {
    std::string k(key, klen);
    auto& state = s.run->state;
    auto it = state.find(k);
    std::size_t before = it == state.end() ? 0 : k.size() + it->second.size();
    std::size_t after = value ? klen + vlen : 0;
    if (s.state_bytes - before + after > s.limits.state_bytes) {
      fits = false;
    } else {
      s.state_bytes = s.state_bytes - before + after;
      if (value) {
        state[k] = std::string(value, vlen);
      } else if (it != state.end()) {
        state.erase(it);
      }
      s.state_changed = true;
    }
  }
  if (!fits) {
    luaL_pushfail(L);
    lua_pushliteral(L, "state_full");
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

int mc_open(lua_State* L) {
  luaL_checkstring(L, 1);
  lua_createtable(L, 0, 3);
  lua_pushliteral(L, "open");
  lua_setfield(L, -2, "type");
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "resource_id");
  if (lua_isstring(L, 2)) {
    lua_pushvalue(L, 2);
  } else {
    lua_pushvalue(L, 1);
  }
  lua_setfield(L, -2, "label");
  return 1;
}

int mc_input(lua_State* L) {
  auto& s = sandbox_of(L);
  const char* prompt = luaL_optstring(L, 1, "");
  bool got = false;
  if (s.run->input) {
    auto line = s.run->input(prompt);
    if (line) {
      s.scratch = std::move(*line);
      got = true;
    }
  }
  if (!got) {
    // No line: the budget goes on (a handler that asks again and again at
    // the end of input is a loop like any other).
    lua_pushnil(L);
    return 1;
  }
  // Each turn of an interactive handler gets the whole budget again: the
  // limits cap the work per move, not the length of the game. Time spent
  // waiting for the user does not count.
  s.start_call();
  lua_pushlstring(L, s.scratch.data(), s.scratch.size());
  return 1;
}

struct ViewRead {
  View* view;
  std::string* error;
  bool ok = false;
};

// read_view under lua_pcall: reading pushes keys, which may allocate; an
// error must stop inside this call, not unwind past the C++ view, and never
// escape a protected call (which would abort the process).
int read_view_protected(lua_State* L) {
  auto* r = static_cast<ViewRead*>(lua_touserdata(L, 2));
  r->ok = read_view(L, 1, *r->view, *r->error);
  return 0;
}

// Rough size of a view, for the budget: its text and structure.
std::int64_t view_weight(const Blocks& blocks) {
  std::int64_t w = 0;
  for (const auto& b : blocks) {
    w += 8 + static_cast<std::int64_t>(b.text.size()) / kBytesPerStep;
    for (const auto& row : b.rows) {
      for (const auto& c : row) w += 1 + static_cast<std::int64_t>(c.size()) / kBytesPerStep;
    }
    for (const auto& item : b.items) w += view_weight(item);
    w += view_weight(b.children);
  }
  return w;
}

int mc_show(lua_State* L) {
  auto& s = sandbox_of(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  int status = LUA_OK;
  bool charged = true;
  {
    View v;
    ViewRead read{&v, &s.view_error};
    lua_pushcfunction(L, read_view_protected);
    lua_pushvalue(L, 1);
    lua_pushlightuserdata(L, &read);
    status = lua_pcall(L, 2, 0, 0);
    if (status == LUA_OK && read.ok) {
      // Showing costs as much as the view is big: a handler that shows
      // huge views in a loop runs out of budget like any other loop.
      charged = s.charge(100 + view_weight(v.blocks));
      if (charged && s.run->show) {
        v.opener = s.pkg->manifest.name;
        v.kind = s.run->resource.type;
        v.charset = "UTF-8";
        s.run->show(v);
      }
    } else if (status == LUA_OK) {
      status = -1;  // a bad view: its message is in s.view_error
    }
  }
  if (!charged || s.tripped != Limit::kNone) raise_limit(L);
  if (status == -1) {
    lua_pushlstring(L, s.view_error.data(), s.view_error.size());
    return lua_error(L);
  }
  if (status != LUA_OK) return lua_error(L);  // the error read_view raised, on the stack
  return 0;
}

void install_mc(lua_State* L) {
  static const luaL_Reg fns[] = {{"resource", mc_resource},   {"size", mc_size},
                                 {"read", mc_read},           {"json_decode", mc_json_decode},
                                 {"state_get", mc_state_get}, {"state_set", mc_state_set},
                                 {"open", mc_open},           {"input", mc_input},
                                 {"show", mc_show},           {nullptr, nullptr}};
  luaL_newlib(L, fns);
  lua_pushlightuserdata(L, nullptr);
  lua_setfield(L, -2, "null");
  lua_setglobal(L, "mc");
}

// ---- the state ----------------------------------------------------------------------

// Opens the safe libraries and puts the wrappers in place. Runs under
// lua_pcall (setup allocates and may run out of memory).
int setup_state(lua_State* L) {
  auto& s = sandbox_of(L);
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
  lua_settop(L, 0);

  lua_pushglobaltable(L);
  int g = lua_gettop(L);
  for (const char* name : {"dofile", "loadfile", "print", "warn"}) {
    lua_pushnil(L);
    lua_setfield(L, g, name);
  }
  lua_pushcfunction(L, sb_load);
  lua_setfield(L, g, "load");
  lua_pushcfunction(L, sb_pcall);
  lua_setfield(L, g, "pcall");
  lua_pushcfunction(L, sb_xpcall);
  lua_setfield(L, g, "xpcall");
  lua_pushcfunction(L, sb_require);
  lua_setfield(L, g, "require");
  wrap_field(L, g, "setmetatable", sb_setmetatable);
  wrap_field(L, g, "collectgarbage", sb_collectgarbage);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "mc.loaded");

  // string: no dump; patterns on the charged matcher; rep bounded; the
  // rest charged by size; the metatable every string shares locked.
  lua_getglobal(L, "string");
  int str = lua_gettop(L);
  lua_pushnil(L);
  lua_setfield(L, str, "dump");
  install_pattern_functions(L, str, &s);
  wrap_field(L, str, "rep", sb_rep);
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_settop(L, str - 1);

  lua_getglobal(L, "utf8");
  int u8 = lua_gettop(L);
  wrap_field(L, u8, "len", sb_utf8_walk, 0);
  wrap_field(L, u8, "codepoint", sb_utf8_walk, 1);
  wrap_field(L, u8, "offset", sb_utf8_walk, 2);
  lua_pop(L, 1);

  lua_getglobal(L, "table");
  int tab = lua_gettop(L);
  wrap_field(L, tab, "concat", sb_concat);
  wrap_field(L, tab, "unpack", sb_unpack);
  wrap_field(L, tab, "sort", sb_walks_list, kSort);
  wrap_field(L, tab, "insert", sb_walks_list, kInsert);
  wrap_field(L, tab, "remove", sb_walks_list, kRemove);
  wrap_field(L, tab, "move", sb_walks_list, kMove);
  lua_pop(L, 1);

  lua_getglobal(L, "coroutine");
  int co = lua_gettop(L);
  wrap_field(L, co, "create", sb_co_create);
  wrap_field(L, co, "resume", sb_co_passthrough);
  wrap_field(L, co, "close", sb_co_passthrough);
  lua_pushcfunction(L, sb_co_wrap);
  lua_setfield(L, co, "wrap");
  lua_pop(L, 1);

  install_mc(L);
  return 0;
}

// Loads the entry script and runs it; it must return the open function.
int load_entry(lua_State* L) {
  auto& s = sandbox_of(L);
  const handler::PackageFile* entry = nullptr;
  for (const auto& f : s.pkg->files) {
    if (f.path == s.pkg->manifest.entry) entry = &f;
  }
  if (!entry) return luaL_error(L, "the package has no entry file");
  lua_pushliteral(L, "=");
  lua_pushlstring(L, entry->path.data(), entry->path.size());
  lua_concat(L, 2);
  if (luaL_loadbufferx(L, entry->bytes.data(), entry->bytes.size(), lua_tostring(L, -1), "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 1);
  if (lua_type(L, -1) != LUA_TFUNCTION) {
    return luaL_error(L, "the entry script must return a function open(args), not a %s", luaL_typename(L, -1));
  }
  return 1;
}

// open({page = N}), with the open function and N on the stack.
int call_open(lua_State* L) {
  lua_Integer page = lua_tointeger(L, 2);
  lua_settop(L, 1);
  lua_createtable(L, 0, 1);
  lua_pushinteger(L, page);
  lua_setfield(L, -2, "page");
  lua_call(L, 1, 1);
  return 1;
}

// The text of the error on the top of the stack, made safe to print: no
// control characters, at most kMaxErrorMessage bytes.
std::string error_text(lua_State* L) {
  std::string out;
  if (lua_type(L, -1) == LUA_TSTRING) {
    std::size_t len = 0;
    const char* p = lua_tolstring(L, -1, &len);
    out.assign(p, std::min(len, kMaxErrorMessage));
  } else {
    out = std::string("(an error object of type ") + luaL_typename(L, -1) + ")";
  }
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

struct StateCloser {
  lua_State* L;
  Sandbox& s;
  ~StateCloser() {
    s.tripped = Limit::kNone;  // frees only from here on
    lua_close(L);
  }
};

}  // namespace

Result<HandlerResult> run_handler(const handler::Package& pkg, HandlerRun run, const SandboxLimits& limits) {
  Sandbox s;
  s.limits = limits;
  s.pkg = &pkg;
  s.run = &run;
  for (const auto& [k, v] : run.state) s.state_bytes += k.size() + v.size();
  if (!run.content_path.empty()) {
    s.content_fd = ::open(run.content_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (s.content_fd < 0) {
      return Error::failed_precondition("cannot_read_file", "cannot read " + run.content_path);
    }
    struct stat st {};
    if (::fstat(s.content_fd, &st) == 0) s.content_size = st.st_size;
  }
  struct FdCloser {
    int fd;
    ~FdCloser() {
      if (fd >= 0) ::close(fd);
    }
  } fd_closer{s.content_fd};

  s.start_call();
  lua_State* L = lua_newstate(allocate, &s);
  if (!L) return Error::failed_precondition("handler_limit", "handler_limit: memory (cannot create a Lua state)");
  StateCloser closer{L, s};
  set_hook(L);

  auto fail = [&](const char* code, std::string message) -> Error {
    return Error::failed_precondition(code, std::move(message));
  };
  auto failure = [&]() -> Error {
    if (s.tripped != Limit::kNone) return fail("handler_limit", s.limit_message());
    return fail("handler_error", "handler_error: " + error_text(L));
  };

  // Everything that may allocate runs inside lua_pcall: an error outside
  // any protected call would abort the process.
  lua_pushcfunction(L, setup_state);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK || s.tripped != Limit::kNone) return failure();
  s.start_call();
  lua_pushcfunction(L, load_entry);
  if (lua_pcall(L, 0, 1, 0) != LUA_OK || s.tripped != Limit::kNone) return failure();
  if (run.load_only) return HandlerResult{};
  s.start_call();
  lua_pushcfunction(L, call_open);
  lua_insert(L, -2);
  lua_pushinteger(L, run.page);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK || s.tripped != Limit::kNone) return failure();
  HandlerResult out;
  out.instructions_used = s.charged_this_call;
  if (lua_type(L, -1) != LUA_TTABLE) {
    return fail("handler_bad_view",
                std::string("handler_bad_view: open returned a ") + luaL_typename(L, -1) + ", not a view table");
  }
  ViewRead read{&out.view, &s.view_error};
  lua_pushcfunction(L, read_view_protected);
  lua_insert(L, -2);
  lua_pushlightuserdata(L, &read);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) return failure();
  if (!read.ok) return fail("handler_bad_view", s.view_error);
  out.view.opener = pkg.manifest.name;
  out.view.kind = run.resource.type;
  out.view.charset = "UTF-8";
  out.state = std::move(run.state);
  out.state_changed = s.state_changed;
  return out;
}

}  // namespace mc::client::handlers
