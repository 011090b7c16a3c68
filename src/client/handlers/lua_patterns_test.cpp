#include "client/handlers/lua_patterns.hpp"

#include <gtest/gtest.h>

extern "C" {
#include <lua5.4/lauxlib.h>
#include <lua5.4/lua.h>
#include <lua5.4/lualib.h>
}

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace mc::client::handlers {
namespace {

class CountingBudget : public StepBudget {
 public:
  explicit CountingBudget(std::int64_t limit = INT64_MAX) : limit_(limit) {}
  bool charge(std::int64_t steps) override {
    if (steps <= 0) ++bad_charges;
    spent += steps;
    if (spent > limit_) tripped = true;  // stays tripped, as the sandbox's does
    return !tripped;
  }
  std::int64_t spent = 0;
  int bad_charges = 0;
  bool tripped = false;

 private:
  std::int64_t limit_;
};

// Helpers defined in both states: ser() turns any results into a string that
// shows their count, types and values; G() collects a whole gmatch iteration.
constexpr const char* kPrelude = R"lua(
function ser(...)
  local n = select('#', ...)
  local t = {}
  for i = 1, n do
    local v = select(i, ...)
    t[i] = type(v) .. ':' .. tostring(v)
  end
  return n .. '[' .. table.concat(t, '|') .. ']'
end
function G(s, p, init)
  local out = {}
  local it = string.gmatch(s, p, init)
  for _ = 1, 300 do
    local r = table.pack(it())
    if r.n == 0 then break end
    out[#out + 1] = ser(table.unpack(r, 1, r.n))
  end
  return table.concat(out, ';')
end
)lua";

std::string run_chunk(lua_State* L, const std::string& code) {
  if (luaL_loadbufferx(L, code.data(), code.size(), "=case", "t") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    std::string msg = std::string("<lua error> ") + lua_tostring(L, -1);
    lua_pop(L, 1);
    return msg;
  }
  std::size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  std::string out = s == nullptr ? "<non-string>" : std::string(s, len);
  lua_pop(L, 1);
  return out;
}

lua_State* new_state(StepBudget* budget) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  if (budget != nullptr) {
    lua_getglobal(L, "string");
    install_pattern_functions(L, -1, budget);
    lua_pop(L, 1);
  }
  run_chunk(L, kPrelude);
  return L;
}

// Stock Lua next to Lua with our functions, fed the same expressions.
class Differential {
 public:
  Differential() : ref_(new_state(nullptr)), ours_(new_state(&budget_)) {}
  ~Differential() {
    lua_close(ref_);
    lua_close(ours_);
  }
  Differential(const Differential&) = delete;
  Differential& operator=(const Differential&) = delete;

  // Evaluates `expr` in both states (under pcall, so errors compare too) and
  // records a failure when the serialised results differ.
  void check(const std::string& expr) {
    std::string code = "return ser(pcall(function() return " + expr + " end))";
    std::string want = run_chunk(ref_, code);
    std::string got = run_chunk(ours_, code);
    ++cases;
    if (want != got) {
      ++mismatches;
      ADD_FAILURE() << "expr: " << expr << "\n lua: " << want << "\n ours: " << got;
    }
  }
  std::string ref(const std::string& expr) {
    return run_chunk(ref_, "return ser(pcall(function() return " + expr + " end))");
  }

  int cases = 0;
  int mismatches = 0;

 private:
  CountingBudget budget_;
  lua_State* ref_;
  lua_State* ours_;
};

// A Lua string literal for arbitrary bytes (three-digit escapes, so a digit
// after an escape is never swallowed by it).
std::string lit(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        (c >= 32 && c < 127 && c != '"' && c != '\\')) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      out += buf;
    }
  }
  return out + "\"";
}

const std::vector<std::string> kSubjects = {
    "hello world",
    "  abc 123 def  ",
    "THE (quick) [brown] {fox}",
    "a.b-c+d*e?f^g$h%i",
    "x=1, y=22, z=333",
    "",
    "a",
    "aaa",
    "aaab",
    std::string("\0a\0b\0", 5),
    "caf\xc3\xa9 na\xc3\xafve \xe2\x82\xac",
    "f(a(b)c)d(e",
    "key = value; other=thing",
    "\t\r\n\v\f end",
    "THEN the There",
    "abcabcabc",
};

const std::vector<std::string> kPatterns = {
    "",
    "a",
    "o w",
    "%a+",
    "%A+",
    "%c",
    "%C+",
    "%d+",
    "%D+",
    "%g+",
    "%G",
    "%l+",
    "%L+",
    "%p",
    "%P+",
    "%s+",
    "%S+",
    "%u+",
    "%U+",
    "%w+",
    "%W+",
    "%x+",
    "%X+",
    ".",
    ".-",
    ".*",
    "..",
    "a*",
    "a-",
    "a?",
    "a+",
    "a-b",
    "a*b",
    "[abc]+",
    "[^abc]+",
    "[a-f]+",
    "[%a_][%w_]*",
    "[%d%.]+",
    "[]]",
    "[^]]+",
    "[a-]",
    "[-a]+",
    "[%]%[]",
    "^a",
    "^%s*",
    "$",
    "%s*$",
    "^$",
    "^.-$",
    "(%a+)",
    "(%a+)%s*=%s*(%a+)",
    "()",
    "()a()",
    "(a)(b)",
    "((a)(b))",
    "(a*(.)%w(%s*))",
    "(%d)%1",
    "(a)%1",
    "(.)%1",
    "%b()",
    "%b[]",
    "%b{}",
    "%bab",
    "%f[%w]%w+",
    "%f[%W]",
    "%f[%a]",
    "%f[^%z]",
    "%f[%l]%a",
    "%f[\1-\255]",
    "a$b",
    "^^",
    "%^",
    "%$",
    "%.",
    "%%",
    "%-",
    "[%%]",
    "\xc3[\x80-\xbf]",
    ".-b",
    "x*$",
    "(h)(e)(l)(l)(o)",
    std::string("%z", 2),
    std::string("\0", 1),
    std::string("[\0]", 3),
    std::string("a\0", 2),
    "%e",
    "(",
    "%",
    "[a",
    "(()",
    "a)",
    "%9",
    "%f",
    "%fa",
    "%b",
    "%ba",
    "[%",
    "[^",
    "[]",
};

TEST(LuaPatterns, AgreesWithLuaOnEveryPatternAndSubject) {
  Differential d;
  for (const auto& s : kSubjects) {
    for (const auto& p : kPatterns) {
      std::string S = lit(s), P = lit(p);
      d.check("string.find(" + S + ", " + P + ")");
      d.check("string.match(" + S + ", " + P + ")");
      d.check("G(" + S + ", " + P + ")");
      d.check("string.gsub(" + S + ", " + P + ", '<%0>')");
      d.check("string.find(" + S + ", " + P + ", 3)");
      d.check("string.find(" + S + ", " + P + ", -4, true)");
    }
  }
  std::printf("[          ] %d differential cases\n", d.cases);
  EXPECT_EQ(d.mismatches, 0);
}

TEST(LuaPatterns, ClassesAgreeOnEveryByte) {
  Differential d;
  const std::string all =
      "(function() local t = {} for i = 0, 255 do t[#t + 1] = string.char(i) end "
      "return table.concat(t) end)()";
  for (const char* cls : {"a", "c", "d", "g", "l", "p", "s", "u", "w", "x", "A", "C",
                          "D", "G", "L", "P", "S", "U", "W", "X", "z", "Z", "q", "."}) {
    std::string c = cls;
    d.check("string.gsub(" + all + ", '%" + c + "', '')");
    d.check("string.gsub(" + all + ", '[%" + c + "]', '')");
    d.check("string.gsub(" + all + ", '[^%" + c + "]', '')");
    d.check("string.gsub(" + all + ", '[%" + c + "_-]+', '.')");
    d.check("string.find(" + all + ", '%f[%" + c + "]', 2)");
  }
  d.check("string.gsub(" + all + ", '.', '')");
  d.check("string.gsub(" + all + ", '[\\0-\\31\\127-\\255]', '')");
  d.check("string.gsub(" + all + ", '[z-a]', '')");
  d.check("string.gsub(" + all + ", '[a-z-]', '')");
  EXPECT_EQ(d.mismatches, 0);
}

TEST(LuaPatterns, FindInitAndPlain) {
  Differential d;
  for (const char* init : {"nil", "1", "0", "-1", "-3", "-11", "-12", "-100", "5", "11", "12", "13", "100",
                           "math.mininteger", "math.maxinteger", "2.0", "'3'"}) {
    std::string i = init;
    for (const char* pat : {"'o'", "'l+'", "''", "'%w'", "'$'", "'^h'", "'world'", "'o.'", "'d'"}) {
      std::string p = pat;
      d.check("string.find('hello world', " + p + ", " + i + ")");
      d.check("string.find('hello world', " + p + ", " + i + ", true)");
      d.check("string.match('hello world', " + p + ", " + i + ")");
      d.check("G('hello world', " + p + ", " + i + ")");
    }
  }
  for (const char* e : {
           "string.find('a.b', '.', 1, true)",
           "string.find('a+b', '+', 1, true)",
           "string.find('a+b', 'a+', 1, false)",
           "string.find('a+b', 'a+b', 1, 0)",
           "string.find('abc', '', 4)",
           "string.find('abc', '', 5)",
           "string.find('abc', '', 4, true)",
           "string.find('', '')",
           "string.find('', '', 0)",
           "string.find('', '', 2)",
           "string.find('aaaaab', 'aab')",
           "string.find('ab)c', 'b)')",
           "string.find('ab]c', 'b]')",
           "string.find('a\\0b\\0c', '\\0c')",
           "string.find('a\\0b\\0c', 'b\\0', 1, true)",
           "string.find('abc', 'abcd', 1, true)",
           "string.find(12345, 34)",
           "string.find(12345, 3.0)",
           "string.find('x', 'x', 1.5)",
           "string.find('x', 'x', 'a')",
           "string.find()",
           "string.find('x')",
           "string.find({}, 'x')",
           "string.find('x', {})",
           "string.find(nil, 'x')",
           "('hello'):find('l')",
           "('hello'):find()",
           "('hello'):match('(h)(e)')",
           "string.match('hello', '()ll()')",
           "string.match('  x  ', '^%s*(.-)%s*$')",
           "string.match('2024-01-15', '(%d+)-(%d+)-(%d+)')",
           "string.match('x', 'x', 'y')",
           "string.match()",
           "string.match('abc', '(a)(b)(c)', -2)",
           "string.match('abc', 'c', -1)",
           "string.match('abc', '^c', -1)",
           "string.match('abc', '^b', 2)",
           "string.match('abc', '^a', 2)",
       }) {
    d.check(e);
  }
  EXPECT_EQ(d.mismatches, 0);
}

TEST(LuaPatterns, MalformedPatternsRaiseLuasMessages) {
  Differential d;
  for (const char* e : {
           "string.find('abc', '%')",
           "string.find('abc', 'a%')",
           "string.find('b', 'a%')",
           "string.find('abc', '[a')",
           "string.find('abc', '[a%')",
           "string.find('abc', '[]')",
           "string.find('abc', '[^]')",
           "string.find('abc', '[')",
           "string.find('abc', '[^')",
           "string.find('abc', '(%1)')",
           "string.find('abc', '%1')",
           "string.find('abc', '(a)%2')",
           "string.find('abc', '%0')",
           "string.find('abc', '()%1')",
           "string.find('abc', '(a)')",
           "string.find('abc', 'a)')",
           "string.find('abc', ')')",
           "string.find('abc', '(a')",
           "string.find('abc', '()(')",
           "string.match('abc', '(')",
           "string.find('abc', '%fa')",
           "string.find('abc', '%f')",
           "string.find('abc', '%f[a')",
           "string.find('abc', '%b')",
           "string.find('abc', '%bx')",
           "string.find('abc', 'a%b')",
           "string.find('abc', string.rep('()', 32))",
           "string.find('abc', string.rep('()', 33))",
           "string.find('abc', string.rep('(', 33))",
           "string.find(string.rep('a', 300), string.rep('a?', 300))",
           "string.find(string.rep('a', 198), string.rep('a?', 198))",
           "string.find(string.rep('a', 199), string.rep('a?', 199))",
           "string.find(string.rep('a', 200), string.rep('a?', 200))",
           "string.find(string.rep('a', 300), string.rep('(a)', 30))",
           "string.find(string.rep('a', 300), string.rep('a*', 250))",
           "string.match(string.rep('a', 300), string.rep('a-', 199))",
           "string.match(string.rep('a', 300), string.rep('a-', 200))",
           "string.gsub('abc', '%', 'x')",
           "string.gsub('abc', '(', 'x')",
           "string.gsub('abc', 'b', '%2')",
           "string.gsub('abc', 'b', '%1')",
           "string.gsub('abc', '(b)', '%2')",
           "string.gsub('abc', 'b', '%')",
           "string.gsub('abc', 'b', '%x')",
           "string.gsub('abc', 'b', '% ')",
           "string.gsub('abc', '(b', '%1')",
           "string.gsub('abc', '(b', function(x) return x end)",
           "G('abc', '[')",
           "G('abc', '%1')",
           "G('abc', '(')",
       }) {
    d.check(e);
  }
  EXPECT_EQ(d.mismatches, 0);
  // The messages themselves, spelled out, so a change in both is noticed too.
  // (luaL_error prefixes the caller's position, "case:1: " here.)
  EXPECT_EQ(d.ref("string.find('abc', '%')"), "2[boolean:false|string:case:1: malformed pattern (ends with '%')]");
  EXPECT_EQ(d.ref("string.find('abc', '[a')"), "2[boolean:false|string:case:1: malformed pattern (missing ']')]");
  EXPECT_EQ(d.ref("string.match('abc', 'a)')"), "2[boolean:false|string:case:1: invalid pattern capture]");
  EXPECT_EQ(d.ref("string.find('abc', '(a')"), "2[boolean:false|string:case:1: unfinished capture]");
  EXPECT_EQ(d.ref("string.find('abc', '%1')"), "2[boolean:false|string:case:1: invalid capture index %1]");
  EXPECT_EQ(d.ref("string.find('abc', '%fa')"), "2[boolean:false|string:case:1: missing '[' after '%f' in pattern]");
  EXPECT_EQ(d.ref("string.find('abc', string.rep('()', 33))"), "2[boolean:false|string:case:1: too many captures]");
  EXPECT_EQ(d.ref("string.find(string.rep('a', 300), string.rep('a?', 300))"),
            "2[boolean:false|string:case:1: pattern too complex]");
  EXPECT_EQ(d.ref("string.gsub('abc', 'b', '%x')"),
            "2[boolean:false|string:case:1: invalid use of '%' in replacement string]");
}

TEST(LuaPatterns, CapturesBackReferencesBalanceAndFrontier) {
  Differential d;
  for (const char* e : {
           "string.match('hello', '(h)(e)(l)(l)(o)')",
           "string.match('hello', '((h)(e))((l)(l)(o))')",
           "string.find('hello', '((h)(e))((l)(l)(o))')",
           "string.match('hello', '()(l+)()')",
           "string.find('hello', '()')",
           "string.find('hello', '()', 6)",
           "string.match('hello', '()', 7)",
           "string.match(string.rep('a', 40), string.rep('(a)', 32))",
           "string.match('abba', '(.)(.)%2%1')",
           "string.match('abab', '(.)(.)%2%1')",
           "string.match('xyzxyz', '(.+)%1')",
           "string.match('aaaa', '(a-)%1$')",
           "string.match('say \"hi\" and \\'bye\\'', '([\"\\'])(.-)%1')",
           "string.match('[[x]]', '%[(=*)%[(.-)%]%1%]')",
           "string.match('[==[x]=]]==]', '%[(=*)%[(.-)%]%1%]')",
           "string.match('a(b(c)d)e', '%b()')",
           "string.match('a(b(c)d', '%b()')",
           "string.match('((', '%b()')",
           "string.match('x\"a\"b\"', '%b\"\"')",
           "string.match('if a then if b then end end end', '%bie')",
           "string.gsub('f(a(b)) g(c)', '%b()', '[]')",
           "string.gsub('THE (quick) fox', '%f[%a]%a+', 'W')",
           "string.gsub('THE (quick) fox', '%f[%A]', '|')",
           "string.gsub('hello world', '%f[%w]%w+%f[%W]', '<%0>')",
           "string.find('abc', '%f[%a]', 2)",
           "string.find('abc', '%f[%z]')",
           "string.find('abc', '%f[\\0]')",
           "string.find('abc', '%f[%c]')",
           "string.find('abc\\0', '%f[%c]')",
           "string.match('x123y', '(%d+)()')",
           "string.match('a', '(a)%1')",
           "string.match('', '()')",
           "string.match('', '(.-)')",
           "string.match('abc', '((.)%2)')",
           "string.match('aabc', '((.)%2)')",
           "string.match('abc', '(()a)')",
       }) {
    d.check(e);
  }
  EXPECT_EQ(d.mismatches, 0);
}

TEST(LuaPatterns, GsubReplacementsAndLimits) {
  Differential d;
  for (const char* e : {
           "string.gsub('hello world', 'o', '0')",
           "string.gsub('hello world', 'o', '0', 1)",
           "string.gsub('hello world', 'o', '0', 0)",
           "string.gsub('hello world', 'o', '0', -1)",
           "string.gsub('hello world', 'o', '0', 1.0)",
           "string.gsub('hello world', 'o', '0', 1.5)",
           "string.gsub('hello world', 'o', '0', '2')",
           "string.gsub('hello world', 'o', '0', math.maxinteger)",
           "string.gsub('hello world', '(o)', '%1%1')",
           "string.gsub('hello world', '(%w+) (%w+)', '%2 %1')",
           "string.gsub('hello world', '%w+', '%0 %0')",
           "string.gsub('hello world', '%w+', '%1')",
           "string.gsub('hello world', '%w+', '%%')",
           "string.gsub('hello world', '%w+', '100%%')",
           "string.gsub('hello world', '()o()', '%1-%2')",
           "string.gsub('hello world', 'o', 7)",
           "string.gsub('hello world', 'o', 7.5)",
           "string.gsub('hello world', '', '-')",
           "string.gsub('hello', '', '-', 3)",
           "string.gsub('', '', '-')",
           "string.gsub('abc', '%w*', '-')",
           "string.gsub('abc def', '%w*', '-')",
           "string.gsub('abc', '.-', '-')",
           "string.gsub('abc', 'x*', '-')",
           "string.gsub('abc', '^', '>')",
           "string.gsub('abc', '$', '<')",
           "string.gsub('abc', '^.', '>')",
           "string.gsub('aaa', '^a', 'b')",
           "string.gsub('aaa', '^a*', 'b')",
           "string.gsub('aaa', '^b', 'b')",
           "string.gsub('hello world', '%w+', {hello = 'HI', world = false})",
           "string.gsub('hello world', '%w+', {hello = 1.5})",
           "string.gsub('hello world', '(%w)(%w*)', {h = 'H'})",
           "string.gsub('hello world', '%w+', {hello = {}})",
           "string.gsub('hello world', '%w+', {hello = true})",
           "string.gsub('hello world', '%w+', setmetatable({}, {__index = function(_, k) return #k end}))",
           "string.gsub('hello world', '%w+', string.upper)",
           "string.gsub('hello world', '(%w)(%w*)', function(a, b) return a:upper() .. b end)",
           "string.gsub('hello world', '%w+', function() end)",
           "string.gsub('hello world', '%w+', function() return false end)",
           "string.gsub('hello world', '%w+', function() return 42 end)",
           "string.gsub('hello world', '%w+', function() return {} end)",
           "string.gsub('hello world', '%w+', function() return print end)",
           "string.gsub('hello world', '%w+', function() error('boom') end)",
           "type(select(2, pcall(string.gsub, 'hello world', '%w+', function() error({}) end)))",
           "string.gsub('hello world', '()%w+()', function(a, b) return a .. ':' .. b end)",
           "string.gsub('hello world', '%w+', function(w) return (w:gsub('l', 'L')) end)",
           "string.gsub('abc', '', function(x) return '[' .. x .. ']' end)",
           "string.gsub('abc', '.', {a = 1, b = 2})",
           "string.gsub('abc', 'b')",
           "string.gsub('abc', 'b', nil)",
           "string.gsub('abc', 'b', true)",
           "string.gsub('abc', 'b', {}, 'x')",
           "string.gsub('abc', 'b', 'x', nil)",
           "string.gsub()",
           "string.gsub(123, 2, 5)",
           "string.gsub('a\\0b\\0c', '\\0', '%%0')",
           "string.gsub('a\\0b\\0c', '%z', 'Z')",
           "string.gsub('caf\\195\\169', '[\\128-\\191]', '?')",
           "string.gsub('caf\\195\\169', '[\\192-\\255][\\128-\\191]*', '<%0>')",
           "string.gsub('abc', '%w', '%0\\0')",
           "('x y'):gsub('%s', '_')",
           "string.gsub(string.rep('ab', 1000), 'b', 'xyz')",
           "#string.gsub(string.rep('a', 5000), 'a', string.rep('b', 100))",
       }) {
    d.check(e);
  }
  EXPECT_EQ(d.mismatches, 0);
}

TEST(LuaPatterns, GmatchIteration) {
  Differential d;
  for (const char* e : {
           "G('hello world from lua', '%a+')",
           "G('k1=v1, k2=v2', '(%w+)=(%w+)')",
           "G('abc', '')",
           "G('abc', '()')",
           "G('abc', '%w*')",
           "G('abc def', '%w*')",
           "G('abc', '.-')",
           "G('abc', 'x*')",
           "G('abc', '^a')",
           "G('^abc', '^a')",
           "G('abc', 'c$')",
           "G('a$b$', '.$')",
           "G('hello world', '%a+', 3)",
           "G('hello world', '%a+', -5)",
           "G('hello world', '%a+', 0)",
           "G('hello world', '%a+', -100)",
           "G('hello world', '%a+', 11)",
           "G('hello world', '%a+', 12)",
           "G('hello world', '%a+', 13)",
           "G('hello world', '', 12)",
           "G('hello world', '', 13)",
           "G('hello world', '%a+', 'x')",
           "G('aaa', 'a-')",
           "G('aaa', 'a?')",
           "G('one two  three', '(%a*)')",
           "G('(a)(b)((c))', '%b()')",
           "G('THE (quick) fox', '%f[%a]%a+')",
           "G('a,b,,c', '([^,]*)')",
           "G(string.rep('xy', 50), 'y')",
           "string.gmatch()",
           "string.gmatch('x')",
           "select('#', string.gmatch('x', 'y')())",
           "(function() local it = string.gmatch('ab', '.') it() it() it() return it() end)()",
       }) {
    d.check(e);
  }
  EXPECT_EQ(d.mismatches, 0);
}

// Random patterns built from pattern tokens, malformed ones included, against
// random subjects: results and error status must agree with Lua's.
TEST(LuaPatterns, RandomisedAgreement) {
  const std::vector<std::string> tokens = {
      "a",    "b",     "c",      ".",      "%a",   "%d", "%s",  "%w",   "%W", "%p", "%%", "%.", "[ab]",
      "[^a]", "[a-c]", "[%d_]",  "[]a]",   "*",    "+",  "-",   "?",    "(",  ")",  "()", "%1", "%2",
      "%b()", "%bab",  "%f[%w]", "%f[^a]", "^",    "$",  "%",   "[",    "]",  "%0", "1",  " ",  std::string("\0", 1),
      "%f",   "%b",    "[^",     "[%",     "\xc3", "a*", "(a)", "(.-)", "%3", "-a", "[-]"};
  const std::string subject_chars = std::string("aabbc 1(2)_.%", 13) + std::string("\0\xc3\xa9", 3);
  std::mt19937 rng(20240515);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  Differential d;
  int errors = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string p;
    std::size_t ntok = 1 + pick(7);
    for (std::size_t k = 0; k < ntok; ++k) p += tokens[pick(tokens.size())];
    std::string s;
    std::size_t slen = pick(12);
    for (std::size_t k = 0; k < slen; ++k) s += subject_chars[pick(subject_chars.size())];
    std::string S = lit(s), P = lit(p);
    int init = static_cast<int>(pick(16)) - 6;
    std::string I = std::to_string(init);
    d.check("string.find(" + S + ", " + P + ")");
    d.check("string.find(" + S + ", " + P + ", " + I + ")");
    d.check("string.match(" + S + ", " + P + ", " + I + ")");
    d.check("G(" + S + ", " + P + ", " + I + ")");
    d.check("string.gsub(" + S + ", " + P + ", '<%0|%1>', " + std::to_string(pick(4)) + ")");
    d.check("string.gsub(" + S + ", " + P + ", function(...) return select('#', ...) end)");
    if (d.ref("string.find(" + S + ", " + P + ")").rfind("2[boolean:false", 0) == 0) ++errors;
  }
  std::printf("[          ] %d randomised cases (%d patterns raise)\n", d.cases, errors);
  EXPECT_EQ(d.mismatches, 0);
  EXPECT_GT(errors, 100);  // the generator does reach the error paths
}

std::string run_with(StepBudget* budget, const std::string& code) {
  lua_State* L = new_state(budget);
  std::string out = run_chunk(L, code);
  lua_close(L);
  return out;
}

TEST(LuaPatterns, BacktrackingBombStopsAtTheBudget) {
  for (const char* call : {"string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')",
                           "string.match(string.rep('a', 40), string.rep('a-', 40) .. 'b')",
                           "G(string.rep('a', 40), string.rep('a*', 40) .. 'b')",
                           "string.gsub(string.rep('a', 40), string.rep('.-', 40) .. 'b', 'x')",
                           "string.find(string.rep('a', 40), string.rep('(a?)', 30) .. 'b')"}) {
    CountingBudget budget(10'000'000);
    auto t0 = std::chrono::steady_clock::now();
    std::string out = run_with(&budget, std::string("return ser(pcall(function() return ") + call + " end))");
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // luaL_error prefixes the calling line, as for any error from a C function.
    EXPECT_EQ(out.substr(0, 23), "2[boolean:false|string:") << call;
    EXPECT_NE(out.find(": handler_limit: instructions]"), std::string::npos) << out;
    EXPECT_TRUE(budget.tripped) << call;
    EXPECT_GE(budget.spent, 10'000'000) << call;
    EXPECT_LT(budget.spent, 10'002'000) << call;  // stops within a batch of the limit
    EXPECT_LT(secs, 5.0) << call;
    EXPECT_EQ(budget.bad_charges, 0);
  }
}

TEST(LuaPatterns, SimpleMatchChargesAFewSteps) {
  CountingBudget budget;
  EXPECT_EQ(run_with(&budget, "return ser(string.find('abc123', '%d+'))"), "2[number:4|number:6]");
  EXPECT_GT(budget.spent, 0);
  EXPECT_LT(budget.spent, 1000);
  std::printf("[          ] find('abc123', '%%d+') charged %lld steps\n", static_cast<long long>(budget.spent));

  CountingBudget plain;
  EXPECT_EQ(run_with(&plain, "return ser(string.find('hello world', 'wor', 1, true))"), "2[number:7|number:9]");
  EXPECT_GT(plain.spent, 0);
  EXPECT_LT(plain.spent, 100);
  EXPECT_EQ(plain.bad_charges, 0);
}

TEST(LuaPatterns, WorkGrowsTheCharge) {
  CountingBudget small, large;
  run_with(&small, "string.find(string.rep('a', 100) .. 'b', 'a-b')");
  run_with(&large, "string.find(string.rep('a', 10000) .. 'b', 'a-b')");
  EXPECT_GT(large.spent, 50 * small.spent);
  CountingBudget backref;
  run_with(&backref, "string.find(string.rep('x', 20000), '(' .. string.rep('x', 10000) .. ')%1')");
  EXPECT_GT(backref.spent, 20000);
  CountingBudget plain;
  run_with(&plain, "string.find(string.rep('a', 20000), string.rep('a', 5000) .. 'b', 1, true)");
  EXPECT_GT(plain.spent, 5000LL * 15000);  // every candidate start compares the needle
}

TEST(LuaPatterns, GsubBombIsCharged) {
  CountingBudget counted;
  EXPECT_EQ(run_with(&counted, "local r, n = string.gsub(string.rep('x', 100000), '', '-') return ser(#r, n)"),
            "2[number:200001|number:100001]");
  EXPECT_GE(counted.spent, 100000);

  // Empty matches with a long replacement grow nothing per escape but still cost.
  CountingBudget limited(1'000'000);
  EXPECT_EQ(run_with(&limited, "return ser(pcall(string.gsub, string.rep('x', 100000), 'y*', string.rep('%0', 1000)))"),
            "2[boolean:false|string:handler_limit: instructions]");
  EXPECT_TRUE(limited.tripped);
}

TEST(LuaPatterns, PcallInsideTheStateCatchesTheLimitAndTheStateGoesOn) {
  CountingBudget budget(200'000);
  lua_State* L = new_state(&budget);
  std::string out = run_chunk(L, R"lua(
    local ok, err = pcall(string.gsub, string.rep('x', 1000000), 'x', string.rep('y', 100))
    local ok2, err2 = pcall(string.gsub, string.rep('x', 1000), '%w', function(w) return w .. w end)
    return ser(ok, err, ok2, err2, 1 + 1)
  )lua");
  // Once tripped the budget stays tripped: the second call fails too.
  EXPECT_EQ(out,
            "5[boolean:false|string:handler_limit: instructions|boolean:false|string:handler_limit: "
            "instructions|number:2]");
  lua_close(L);  // the half-built gsub buffers belong to the state and go with it (ASan checks)
}

TEST(LuaPatterns, ErrorsMidGsubLeaveNothingBehind) {
  CountingBudget budget;
  lua_State* L = new_state(&budget);
  std::string out = run_chunk(L, R"lua(
    local big = string.rep('abc', 20000)
    local n = 0
    local ok, err = pcall(string.gsub, big, 'b', function(x)
      n = n + 1
      if n == 15000 then error('stop', 0) end
      return string.rep(x, 50)
    end)
    local ok2, err2 = pcall(string.gsub, big, '(b)', function(x) n = n + 1 return n < 15100 and x or {} end)
    local ok3, err3 = pcall(string.gsub, big .. '(', '(%()', '%2')
    collectgarbage()
    return ser(ok, err, ok2, err2, ok3, err3)
  )lua");
  EXPECT_EQ(out,
            "6[boolean:false|string:stop|boolean:false|string:invalid replacement value (a table)|"
            "boolean:false|string:invalid capture index %2]");
  lua_close(L);
}

TEST(LuaPatterns, AnAlreadySpentBudgetFailsEvenTinyCalls) {
  CountingBudget budget(0);
  budget.charge(1);
  ASSERT_TRUE(budget.tripped);
  EXPECT_EQ(run_with(&budget, "return ser(pcall(string.find, 'a', 'a'))"),
            "2[boolean:false|string:handler_limit: instructions]");
  EXPECT_EQ(run_with(&budget, "return ser(pcall(string.match, 'a', '.'))"),
            "2[boolean:false|string:handler_limit: instructions]");
}

TEST(LuaPatterns, InstallsIntoAnyTableAtARelativeIndex) {
  CountingBudget budget;
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  lua_newtable(L);
  lua_pushinteger(L, 1);  // the table is now at -2
  install_pattern_functions(L, -2, &budget);
  lua_pop(L, 1);
  lua_setglobal(L, "pat");
  EXPECT_EQ(run_chunk(L, "return (select(2, pat.gsub('a b c', ' ', ''))) .. pat.match('x9', '%d')"), "29");
  EXPECT_GT(budget.spent, 0);
  lua_close(L);
}

}  // namespace
}  // namespace mc::client::handlers
