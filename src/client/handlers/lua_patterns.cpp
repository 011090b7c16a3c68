#include "client/handlers/lua_patterns.hpp"

#include <cctype>
#include <cstddef>
#include <cstring>

extern "C" {
#include <lua5.4/lauxlib.h>
#include <lua5.4/lua.h>
#include <lua5.4/lualib.h>
}

// Everything here runs between Lua API calls that may longjmp (Debian's Lua is
// built as C), so the code keeps to plain structs and fixed arrays: nothing
// with a destructor is ever alive when Lua can raise. The matcher itself never
// raises; it records a Fault and unwinds by returning nullptr, and the entry
// points raise afterwards from a frame that holds only trivially destructible
// data.

namespace mc::client::handlers {
namespace {

constexpr int kMaxCaptures = 32;       // Lua's LUA_MAXCAPTURES; scripts may rely on the limit's message.
constexpr int kMaxDepth = 200;         // Lua's MAXCCALLS: same depth, so "pattern too complex" trips alike.
constexpr std::int64_t kBatch = 1000;  // steps billed per virtual call, to keep the budget cheap
constexpr char kEsc = '%';

// Capture lengths below zero mark the two capture states that have no length.
constexpr std::ptrdiff_t kOpenCapture = -1;
constexpr std::ptrdiff_t kPositionCapture = -2;

enum class Fault : unsigned char {
  kNone,
  kBudget,
  kEndsWithEscape,
  kMissingBracket,
  kMissingBalanceArgs,
  kMissingFrontierSet,
  kBadCaptureIndex,
  kBadPatternCapture,
  kTooManyCaptures,
  kTooComplex,
};

struct Capture {
  const char* start;
  std::ptrdiff_t len;  // or kOpenCapture / kPositionCapture
};

struct Matcher {
  const char* s_begin;
  const char* s_end;
  const char* p_end;
  StepBudget* budget;
  std::int64_t credit;  // steps left before the next charge()
  int depth_left;
  int level;  // captures started so far
  Fault fault;
  int fault_arg;
  Capture cap[kMaxCaptures];
};

void matcher_init(Matcher& m, StepBudget* budget, const char* s, std::size_t slen, const char* p, std::size_t plen) {
  m.s_begin = s;
  m.s_end = s + slen;
  m.p_end = p + plen;
  m.budget = budget;
  m.credit = kBatch;
  m.depth_left = kMaxDepth;
  m.level = 0;
  m.fault = Fault::kNone;
  m.fault_arg = 0;
}

// Bills what has been used of the current batch (which may exceed it after a
// bulk charge). Returns false, and records the fault, once the budget is gone.
bool settle(Matcher& m) {
  std::int64_t used = kBatch - m.credit;
  m.credit = kBatch;
  if (used <= 0 || m.fault == Fault::kBudget) return m.fault != Fault::kBudget;
  if (m.budget->charge(used)) return true;
  m.fault = Fault::kBudget;
  return false;
}

inline bool step(Matcher& m) { return --m.credit > 0 || settle(m); }

inline bool steps(Matcher& m, std::int64_t n) {
  m.credit -= n;
  return m.credit > 0 || settle(m);
}

// Records why matching stopped; returns the matcher's "no match" so callers
// can unwind with `return fail(...)`.
const char* fail(Matcher& m, Fault f, int arg = 0) {
  m.fault = f;
  m.fault_arg = arg;
  return nullptr;
}

bool class_matches(unsigned char c, unsigned char cl) {
  bool r;
  switch (std::tolower(cl)) {
    case 'a':
      r = std::isalpha(c) != 0;
      break;
    case 'c':
      r = std::iscntrl(c) != 0;
      break;
    case 'd':
      r = std::isdigit(c) != 0;
      break;
    case 'g':
      r = std::isgraph(c) != 0;
      break;
    case 'l':
      r = std::islower(c) != 0;
      break;
    case 'p':
      r = std::ispunct(c) != 0;
      break;
    case 's':
      r = std::isspace(c) != 0;
      break;
    case 'u':
      r = std::isupper(c) != 0;
      break;
    case 'w':
      r = std::isalnum(c) != 0;
      break;
    case 'x':
      r = std::isxdigit(c) != 0;
      break;
    case 'z':
      r = c == 0;
      break;  // deprecated in 5.2 but still accepted by 5.4
    default:
      return cl == c;  // "%." etc.: the escaped character itself
  }
  return std::isupper(cl) ? !r : r;
}

// `open` points at the set's '[', `close` at its final ']' (as found by
// item_end, so the set is well formed).
bool set_matches(unsigned char c, const char* open, const char* close) {
  const char* p = open + 1;
  bool found = true;
  if (*p == '^') {
    found = false;
    ++p;
  }
  while (p < close) {
    auto x = static_cast<unsigned char>(*p);
    if (x == kEsc) {
      if (class_matches(c, static_cast<unsigned char>(p[1]))) return found;
      p += 2;
    } else if (p + 2 < close && p[1] == '-') {
      if (x <= c && c <= static_cast<unsigned char>(p[2])) return found;
      p += 3;
    } else {
      if (x == c) return found;
      ++p;
    }
  }
  return !found;
}

// The end of the single-character class starting at p (one past it), or
// nullptr with a fault when the class is malformed.
const char* item_end(Matcher& m, const char* p) {
  char c = *p++;
  if (c == kEsc) {
    if (p == m.p_end) return fail(m, Fault::kEndsWithEscape);
    return p + 1;
  }
  if (c != '[') return p;
  if (p < m.p_end && *p == '^') ++p;
  // The first character of a set is taken literally, so "[]]" is a set of ']'.
  do {
    if (p == m.p_end) return fail(m, Fault::kMissingBracket);
    if (*p++ == kEsc && p < m.p_end) ++p;
  } while (p == m.p_end || *p != ']');
  return p + 1;
}

inline bool single_match(const Matcher& m, const char* s, const char* p, const char* ep) {
  if (s >= m.s_end) return false;
  auto c = static_cast<unsigned char>(*s);
  switch (*p) {
    case '.':
      return true;
    case kEsc:
      return class_matches(c, static_cast<unsigned char>(p[1]));
    case '[':
      return set_matches(c, p, ep - 1);
    default:
      return static_cast<unsigned char>(*p) == c;
  }
}

const char* match_here(Matcher& m, const char* s, const char* p);

const char* open_capture(Matcher& m, const char* s, const char* p, std::ptrdiff_t kind) {
  if (m.level >= kMaxCaptures) return fail(m, Fault::kTooManyCaptures);
  m.cap[m.level] = Capture{s, kind};
  ++m.level;
  const char* r = match_here(m, s, p);
  if (r == nullptr) --m.level;
  return r;
}

const char* close_capture(Matcher& m, const char* s, const char* p) {
  int l = m.level - 1;
  while (l >= 0 && m.cap[l].len != kOpenCapture) --l;
  if (l < 0) return fail(m, Fault::kBadPatternCapture);
  m.cap[l].len = s - m.cap[l].start;
  const char* r = match_here(m, s, p);
  if (r == nullptr) m.cap[l].len = kOpenCapture;
  return r;
}

const char* match_balance(Matcher& m, const char* s, const char* p) {
  if (p + 1 >= m.p_end) return fail(m, Fault::kMissingBalanceArgs);
  if (s >= m.s_end || *s != p[0]) return nullptr;
  char open = p[0];
  char close = p[1];
  std::ptrdiff_t depth = 1;
  const char* q = s + 1;
  const char* found = nullptr;
  for (; q < m.s_end; ++q) {
    if (*q == close) {
      if (--depth == 0) {
        found = q + 1;
        break;
      }
    } else if (*q == open) {
      ++depth;
    }
  }
  if (!steps(m, q - s)) return nullptr;
  return found;
}

const char* match_backref(Matcher& m, const char* s, char digit) {
  int l = digit - '1';
  if (l < 0 || l >= m.level || m.cap[l].len == kOpenCapture) {
    return fail(m, Fault::kBadCaptureIndex, l + 1);
  }
  std::ptrdiff_t len = m.cap[l].len;
  // A position capture has no text; Lua compares it as an impossible length,
  // so a back-reference to it never matches.
  if (len < 0 || m.s_end - s < len) return nullptr;
  if (!steps(m, len)) return nullptr;
  if (std::memcmp(m.cap[l].start, s, static_cast<std::size_t>(len)) != 0) return nullptr;
  return s + len;
}

// Item p..ep matched at least up to s; take as many more as possible, then
// give them back one by one until the rest of the pattern matches.
const char* expand_greedy(Matcher& m, const char* s, const char* p, const char* ep) {
  std::ptrdiff_t n = 0;
  while (single_match(m, s + n, p, ep)) {
    ++n;
    if (!step(m)) return nullptr;
  }
  for (; n >= 0; --n) {
    const char* r = match_here(m, s + n, ep + 1);
    if (r != nullptr || m.fault != Fault::kNone) return r;
  }
  return nullptr;
}

const char* expand_lazy(Matcher& m, const char* s, const char* p, const char* ep) {
  for (;;) {
    const char* r = match_here(m, s, ep + 1);
    if (r != nullptr || m.fault != Fault::kNone) return r;
    if (!single_match(m, s, p, ep)) return nullptr;
    ++s;
  }
}

// Matches the pattern from p on at s, looping over plain items and recursing
// where the rest must be retried. The recursion points (captures, '?', each
// expansion attempt) are the same as Lua's, so its 200-deep limit trips on
// exactly the same patterns.
const char* match_items(Matcher& m, const char* s, const char* p) {
  for (;;) {
    if (!step(m)) return nullptr;
    if (p == m.p_end) return s;
    switch (*p) {
      case '(':
        if (p + 1 < m.p_end && p[1] == ')') return open_capture(m, s, p + 2, kPositionCapture);
        return open_capture(m, s, p + 1, kOpenCapture);
      case ')':
        return close_capture(m, s, p + 1);
      case '$':
        if (p + 1 == m.p_end) return s == m.s_end ? s : nullptr;
        break;  // elsewhere '$' is an ordinary character
      case kEsc: {
        if (p + 1 == m.p_end) break;  // item_end reports the dangling '%'
        char k = p[1];
        if (k == 'b') {
          s = match_balance(m, s, p + 2);
          if (s == nullptr) return nullptr;
          p += 4;
          continue;
        }
        if (k == 'f') {
          p += 2;
          if (p == m.p_end || *p != '[') return fail(m, Fault::kMissingFrontierSet);
          const char* ep = item_end(m, p);
          if (ep == nullptr) return nullptr;
          // The frontier compares with the true neighbours, so before the
          // subject's first byte (not merely init's) and after its last one
          // there is a '\0'.
          auto before = static_cast<unsigned char>(s == m.s_begin ? '\0' : s[-1]);
          auto here = static_cast<unsigned char>(s < m.s_end ? *s : '\0');
          if (set_matches(before, p, ep - 1) || !set_matches(here, p, ep - 1)) return nullptr;
          p = ep;
          continue;
        }
        if (std::isdigit(static_cast<unsigned char>(k))) {
          s = match_backref(m, s, k);
          if (s == nullptr) return nullptr;
          p += 2;
          continue;
        }
        break;  // a class or an escaped character
      }
      default:
        break;
    }

    const char* ep = item_end(m, p);
    if (ep == nullptr) return nullptr;
    char quantifier = ep < m.p_end ? *ep : '\0';
    if (!single_match(m, s, p, ep)) {
      if (quantifier == '*' || quantifier == '?' || quantifier == '-') {
        p = ep + 1;  // zero repetitions are allowed
        continue;
      }
      return nullptr;
    }
    switch (quantifier) {
      case '?': {
        const char* r = match_here(m, s + 1, ep + 1);
        if (r != nullptr || m.fault != Fault::kNone) return r;
        p = ep + 1;
        continue;
      }
      case '+':
        return expand_greedy(m, s + 1, p, ep);
      case '*':
        return expand_greedy(m, s, p, ep);
      case '-':
        return expand_lazy(m, s, p, ep);
      default:
        ++s;
        p = ep;
        continue;
    }
  }
}

const char* match_here(Matcher& m, const char* s, const char* p) {
  if (m.depth_left == 0) return fail(m, Fault::kTooComplex);
  --m.depth_left;
  const char* r = match_items(m, s, p);
  ++m.depth_left;
  return r;
}

// One anchored attempt at s, with the captures of any previous attempt gone.
const char* attempt(Matcher& m, const char* s, const char* p) {
  m.level = 0;
  m.depth_left = kMaxDepth;
  return match_here(m, s, p);
}

// Raises the recorded fault, first billing what was used (a spent budget wins
// over a pattern error, so the sandbox sees its limit).
int raise_fault(lua_State* L, Matcher& m) {
  settle(m);
  switch (m.fault) {
    case Fault::kNone:
    case Fault::kBudget:
      break;
    case Fault::kEndsWithEscape:
      return luaL_error(L, "malformed pattern (ends with '%%')");
    case Fault::kMissingBracket:
      return luaL_error(L, "malformed pattern (missing ']')");
    case Fault::kMissingBalanceArgs:
      return luaL_error(L, "malformed pattern (missing arguments to '%%b')");
    case Fault::kMissingFrontierSet:
      return luaL_error(L, "missing '[' after '%%f' in pattern");
    case Fault::kBadCaptureIndex:
      return luaL_error(L, "invalid capture index %%%d", m.fault_arg);
    case Fault::kBadPatternCapture:
      return luaL_error(L, "invalid pattern capture");
    case Fault::kTooManyCaptures:
      return luaL_error(L, "too many captures");
    case Fault::kTooComplex:
      return luaL_error(L, "pattern too complex");
  }
  return luaL_error(L, "handler_limit: instructions");
}

// Bills the rest of the batch at the end of a call; raises if that was too much.
void finish(lua_State* L, Matcher& m) {
  if (!settle(m)) raise_fault(L, m);
}

// Charges work done outside the matcher proper (replacement strings).
void bill(lua_State* L, Matcher& m, std::int64_t n) {
  if (!steps(m, n)) raise_fault(L, m);
}

void push_capture(lua_State* L, const Matcher& m, int i, const char* s, const char* e) {
  if (i >= m.level) {
    // Only reached for capture 0 of a pattern without captures: the whole match.
    lua_pushlstring(L, s, static_cast<std::size_t>(e - s));
    return;
  }
  const Capture& c = m.cap[i];
  if (c.len == kOpenCapture) luaL_error(L, "unfinished capture");
  if (c.len == kPositionCapture) lua_pushinteger(L, c.start - m.s_begin + 1);
  else lua_pushlstring(L, c.start, static_cast<std::size_t>(c.len));
}

// With s == nullptr (find), a pattern without captures yields nothing;
// otherwise it yields the whole match.
int push_captures(lua_State* L, const Matcher& m, const char* s, const char* e) {
  int n = (m.level == 0 && s != nullptr) ? 1 : m.level;
  luaL_checkstack(L, n, "too many captures");
  for (int i = 0; i < n; ++i) push_capture(L, m, i, s, e);
  return n;
}

StepBudget* budget_of(lua_State* L, int upvalue) {
  return static_cast<StepBudget*>(lua_touserdata(L, lua_upvalueindex(upvalue)));
}

// Lua 5.4's rule for a start index: negative counts from the end, anything
// before the start clips to 1. Returns a 1-based index.
std::size_t start_index(lua_Integer pos, std::size_t len) {
  if (pos > 0) return static_cast<std::size_t>(pos);
  if (pos == 0) return 1;
  if (pos < -static_cast<lua_Integer>(len)) return 1;
  return len + static_cast<std::size_t>(pos) + 1;
}

bool has_specials(const char* p, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i) {
    switch (p[i]) {
      case '^':
      case '$':
      case '*':
      case '+':
      case '?':
      case '.':
      case '(':
      case '[':
      case '%':
      case '-':
        return true;
      default:
        break;
    }
  }
  return false;
}

const char* plain_search(Matcher& m, const char* h, std::size_t hlen, const char* n, std::size_t nlen) {
  if (nlen == 0) return h;
  if (nlen > hlen) return nullptr;
  const char* last = h + (hlen - nlen);  // last possible start
  const char* at = h;
  while (at <= last) {
    const void* hit = std::memchr(at, n[0], static_cast<std::size_t>(last - at) + 1);
    if (hit == nullptr) {
      steps(m, last - at + 1);
      return nullptr;
    }
    const char* c = static_cast<const char*>(hit);
    if (!steps(m, (c - at) + static_cast<std::ptrdiff_t>(nlen))) return nullptr;
    if (std::memcmp(c + 1, n + 1, nlen - 1) == 0) return c;
    at = c + 1;
  }
  return nullptr;
}

int find_or_match(lua_State* L, bool find) {
  std::size_t slen = 0;
  std::size_t plen = 0;
  const char* s = luaL_checklstring(L, 1, &slen);
  const char* p = luaL_checklstring(L, 2, &plen);
  std::size_t init = start_index(luaL_optinteger(L, 3, 1), slen) - 1;
  if (init > slen) {
    luaL_pushfail(L);
    return 1;
  }
  Matcher m;
  matcher_init(m, budget_of(L, 1), s, slen, p, plen);
  bool plain = find && lua_toboolean(L, 4);
  if (find && !plain) {
    if (!steps(m, static_cast<std::int64_t>(plen))) return raise_fault(L, m);
    plain = !has_specials(p, plen);  // nothing to interpret: a plain search is faster
  }
  if (plain) {
    const char* hit = plain_search(m, s + init, slen - init, p, plen);
    if (m.fault != Fault::kNone) return raise_fault(L, m);
    finish(L, m);
    if (hit != nullptr) {
      lua_pushinteger(L, hit - s + 1);
      lua_pushinteger(L, static_cast<lua_Integer>(static_cast<std::size_t>(hit - s) + plen));
      return 2;
    }
    luaL_pushfail(L);
    return 1;
  }
  bool anchored = plen > 0 && *p == '^';
  const char* pat = anchored ? p + 1 : p;  // the pattern's end stays where it was
  for (const char* at = s + init;; ++at) {
    if (!step(m)) return raise_fault(L, m);
    const char* e = attempt(m, at, pat);
    if (m.fault != Fault::kNone) return raise_fault(L, m);
    if (e != nullptr) {
      finish(L, m);
      if (!find) return push_captures(L, m, at, e);
      lua_pushinteger(L, at - s + 1);
      lua_pushinteger(L, e - s);
      return push_captures(L, m, nullptr, nullptr) + 2;
    }
    if (anchored || at == m.s_end) break;
  }
  finish(L, m);
  luaL_pushfail(L);
  return 1;
}

int str_find(lua_State* L) { return find_or_match(L, true); }
int str_match(lua_State* L) { return find_or_match(L, false); }

// gmatch's iterator state, a userdata upvalue; offsets into the subject.
struct GmatchCursor {
  std::size_t next;
  std::size_t last_end;
  bool has_last;
};

int gmatch_next(lua_State* L) {
  std::size_t slen = 0;
  std::size_t plen = 0;
  const char* s = lua_tolstring(L, lua_upvalueindex(1), &slen);
  const char* p = lua_tolstring(L, lua_upvalueindex(2), &plen);
  auto* cur = static_cast<GmatchCursor*>(lua_touserdata(L, lua_upvalueindex(3)));
  Matcher m;
  matcher_init(m, budget_of(L, 4), s, slen, p, plen);
  // No anchor here: a leading '^' would stop the iteration, so gmatch, like
  // Lua's, treats it as an ordinary character.
  for (std::size_t at = cur->next; at <= slen; ++at) {
    if (!step(m)) return raise_fault(L, m);
    const char* e = attempt(m, s + at, p);
    if (m.fault != Fault::kNone) return raise_fault(L, m);
    // An empty match right where the previous match ended is skipped.
    if (e != nullptr && !(cur->has_last && static_cast<std::size_t>(e - s) == cur->last_end)) {
      cur->next = cur->last_end = static_cast<std::size_t>(e - s);
      cur->has_last = true;
      finish(L, m);
      return push_captures(L, m, s + at, e);
    }
  }
  finish(L, m);
  return 0;
}

int str_gmatch(lua_State* L) {
  std::size_t slen = 0;
  luaL_checklstring(L, 1, &slen);
  luaL_checklstring(L, 2, nullptr);
  std::size_t init = start_index(luaL_optinteger(L, 3, 1), slen) - 1;
  if (init > slen) init = slen + 1;  // start past the end: no matches
  lua_settop(L, 2);
  auto* cur = static_cast<GmatchCursor*>(lua_newuserdatauv(L, sizeof(GmatchCursor), 0));
  cur->next = init;
  cur->last_end = 0;
  cur->has_last = false;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushcclosure(L, gmatch_next, 4);
  return 1;
}

void add_capture(lua_State* L, const Matcher& m, luaL_Buffer* b, int i, const char* s, const char* e) {
  if (i >= m.level) {
    if (i != 0) luaL_error(L, "invalid capture index %%%d", i + 1);
    luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
    return;
  }
  const Capture& c = m.cap[i];
  if (c.len == kOpenCapture) luaL_error(L, "unfinished capture");
  if (c.len == kPositionCapture) {
    lua_pushinteger(L, c.start - m.s_begin + 1);
    luaL_addvalue(b);
  } else {
    luaL_addlstring(b, c.start, static_cast<std::size_t>(c.len));
  }
}

void add_replacement_string(lua_State* L, Matcher& m, luaL_Buffer* b, const char* s, const char* e) {
  std::size_t len = 0;
  const char* r = lua_tolstring(L, 3, &len);
  const char* end = r + len;
  for (;;) {
    const void* hit = std::memchr(r, kEsc, static_cast<std::size_t>(end - r));
    if (hit == nullptr) break;
    const char* pct = static_cast<const char*>(hit);
    luaL_addlstring(b, r, static_cast<std::size_t>(pct - r));
    // Each escape is billed: "%0" repeated in a long replacement over empty
    // matches would otherwise loop without growing the result.
    bill(L, m, 1);
    char k = pct + 1 < end ? pct[1] : '\0';
    if (k == kEsc) luaL_addchar(b, kEsc);
    else if (k == '0') luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
    else if (std::isdigit(static_cast<unsigned char>(k))) add_capture(L, m, b, k - '1', s, e);
    else luaL_error(L, "invalid use of '%c' in replacement string", kEsc);
    r = pct + 2;
  }
  luaL_addlstring(b, r, static_cast<std::size_t>(end - r));
}

// Appends the replacement for match s..e; returns whether it differs from
// the original text.
bool add_replacement(lua_State* L, Matcher& m, luaL_Buffer* b, const char* s, const char* e, int repl_type) {
  if (repl_type == LUA_TFUNCTION) {
    // The function's own instructions are counted by the hook; bill what the
    // matcher used so far before handing control to it.
    finish(L, m);
    lua_pushvalue(L, 3);
    int n = push_captures(L, m, s, e);
    lua_call(L, n, 1);
  } else if (repl_type == LUA_TTABLE) {
    push_capture(L, m, 0, s, e);
    lua_gettable(L, 3);
  } else {
    add_replacement_string(L, m, b, s, e);
    return true;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
    return false;
  }
  if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  }
  luaL_addvalue(b);
  return true;
}

int str_gsub(lua_State* L) {
  std::size_t slen = 0;
  std::size_t plen = 0;
  const char* src = luaL_checklstring(L, 1, &slen);
  const char* p = luaL_checklstring(L, 2, &plen);
  int repl_type = lua_type(L, 3);
  lua_Integer max_n = luaL_optinteger(L, 4, static_cast<lua_Integer>(slen) + 1);
  luaL_argexpected(L,
                   repl_type == LUA_TNUMBER || repl_type == LUA_TSTRING || repl_type == LUA_TFUNCTION ||
                       repl_type == LUA_TTABLE,
                   3, "string/function/table");
  bool anchored = plen > 0 && *p == '^';
  if (anchored) {
    ++p;
    --plen;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  Matcher m;
  matcher_init(m, budget_of(L, 1), src, slen, p, plen);
  const char* last = nullptr;
  const char* at = src;
  lua_Integer n = 0;
  bool changed = false;
  while (n < max_n) {
    if (!step(m)) break;
    const char* e = attempt(m, at, p);
    if (m.fault != Fault::kNone) break;
    if (e != nullptr && e != last) {
      ++n;
      changed = add_replacement(L, m, &b, at, e, repl_type) || changed;
      at = last = e;
    } else if (at < m.s_end) {
      luaL_addchar(&b, *at++);
    } else {
      break;
    }
    if (anchored) break;
  }
  if (m.fault != Fault::kNone) return raise_fault(L, m);
  finish(L, m);
  if (changed) {
    luaL_addlstring(&b, at, static_cast<std::size_t>(m.s_end - at));
    luaL_pushresult(&b);
  } else {
    lua_pushvalue(L, 1);  // nothing replaced: the original string itself
  }
  lua_pushinteger(L, n);
  return 2;
}

}  // namespace

void install_pattern_functions(lua_State* L, int string_table, StepBudget* budget) {
  int t = lua_absindex(L, string_table);
  const struct {
    const char* name;
    lua_CFunction fn;
  } fns[] = {{"find", str_find}, {"match", str_match}, {"gmatch", str_gmatch}, {"gsub", str_gsub}};
  for (const auto& f : fns) {
    lua_pushlightuserdata(L, budget);
    lua_pushcclosure(L, f.fn, 1);
    lua_setfield(L, t, f.name);
  }
}

}  // namespace mc::client::handlers
