#include "client/handlers/sandbox.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace mc::client::handlers {
namespace {

using namespace std::chrono_literals;

handler::Package package(const std::string& main_lua, std::vector<handler::PackageFile> more = {}) {
  handler::Package p;
  p.manifest.name = "test-handler";
  p.manifest.entry = "main.lua";
  p.manifest.kinds = {"novel"};
  p.files.push_back({"main.lua", main_lua});
  for (auto& f : more) p.files.push_back(std::move(f));
  return p;
}

// Small limits keep the hostile cases quick; the defaults are larger.
SandboxLimits small() {
  SandboxLimits l;
  l.memory_bytes = 16u << 20;
  l.instructions = 5'000'000;
  l.time = 5000ms;
  return l;
}

class SandboxTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sandbox_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    content_ = (dir_ / "content.txt").string();
    std::ofstream(content_) << "Chapter One\nIt was a dark and stormy night.\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  HandlerRun run_for(int page = 1) {
    HandlerRun r;
    r.resource.id = "r_1";
    r.resource.type = "novel";
    r.resource.title = "A Story";
    r.resource.mime = "text/plain";
    r.resource.size = static_cast<std::int64_t>(std::filesystem::file_size(content_));
    r.resource.tags = {"fiction", "night"};
    r.content_path = content_;
    r.page = page;
    return r;
  }

  // The error of a run that must fail.
  Error failure(const std::string& main_lua, SandboxLimits limits = small()) {
    auto r = run_handler(package(main_lua), run_for(), limits);
    EXPECT_FALSE(r) << "the handler was expected to be stopped";
    return r ? Error{} : r.error();
  }

  std::filesystem::path dir_;
  std::string content_;
};

constexpr const char* kReturnView = "\nreturn function() return {title = 'escaped', blocks = {}} end\n";

TEST_F(SandboxTest, AHandlerReadsItsResourceAndReturnsAView) {
  auto r = run_handler(package(R"lua(
local lines = require("lib/lines.lua")
return function(args)
  local r = mc.resource()
  local text = mc.read(0, mc.size())
  local first = lines.first(text)
  return {
    title = r.title,
    blocks = {
      {type = "heading", level = 2, text = first},
      {type = "facts", rows = {{"Size", tostring(mc.size())}, {"Tags", table.concat(r.tags, ", ")}}},
      {type = "list", ordered = true, items = {"one", {{type = "paragraph", text = "two"}}}},
    },
    actions = {mc.open("r_2", "Next chapter"), {type = "buy", label = "Buy", url = "https://shop.example/b"}},
    page = {number = args.page, count = 3},
    notes = {"read " .. #text .. " bytes"},
  }
end
)lua",
                               {{"lib/lines.lua", "return {first = function(s) return s:match('^[^\\n]*') end}"}}),
                       run_for(2), small());
  ASSERT_TRUE(r) << r.error().message;
  const View& v = r->view;
  EXPECT_EQ(v.title, "A Story");
  EXPECT_EQ(v.opener, "test-handler");
  EXPECT_EQ(v.kind, "novel");
  ASSERT_EQ(v.blocks.size(), 3u);
  EXPECT_EQ(v.blocks[0].text, "Chapter One");
  EXPECT_EQ(v.blocks[0].level, 2);
  EXPECT_EQ(v.blocks[1].type, BlockType::kFacts);
  EXPECT_EQ(v.blocks[1].rows[1][1], "fiction, night");
  EXPECT_EQ(v.blocks[2].items.size(), 2u);
  ASSERT_EQ(v.actions.size(), 2u);
  EXPECT_EQ(v.actions[0].type, "open");
  EXPECT_EQ(*v.actions[0].resource_id, "r_2");
  ASSERT_TRUE(v.page);
  EXPECT_EQ(v.page->number, 2);
  EXPECT_EQ(v.notes[0], "read 44 bytes");
  EXPECT_GT(r->instructions_used, 0);
}

TEST_F(SandboxTest, AnEndlessLoopIsStoppedByTheInstructionBudget) {
  auto e = failure("while true do end");
  EXPECT_EQ(e.code, "handler_limit");
  EXPECT_NE(e.message.find("instructions"), std::string::npos) << e.message;
}

TEST_F(SandboxTest, PcallCannotCatchALimitAndGoOn) {
  auto e = failure(std::string("local ok = pcall(function() while true do end end)") + kReturnView);
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  e = failure(std::string("local ok = xpcall(function() while true do end end, function(m) return m end)") +
              kReturnView);
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  // A loop around pcall, each round catching the error, is stopped too.
  e = failure("while true do pcall(function() while true do end end) end");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  // So is one whose message handler loops.
  e = failure(std::string("xpcall(error, function() while true do end end)") + kReturnView);
  EXPECT_EQ(e.code, "handler_limit") << e.message;
}

TEST_F(SandboxTest, CoroutinesRunUnderTheSameBudget) {
  auto e = failure("local co = coroutine.wrap(function() while true do end end) co()");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  e = failure(std::string("local co = coroutine.create(function() while true do end end)\n"
                          "local ok = coroutine.resume(co)") +
              kReturnView);
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  e = failure(std::string("local co = coroutine.wrap(function() pcall(function() while true do end end) end)\n"
                          "pcall(co)") +
              kReturnView);
  EXPECT_EQ(e.code, "handler_limit") << e.message;
}

TEST_F(SandboxTest, AMemoryHogIsStoppedAndCannotCatchIt) {
  auto e = failure("local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end");
  EXPECT_EQ(e.code, "handler_limit");
  EXPECT_NE(e.message.find("memory"), std::string::npos) << e.message;
  e = failure(std::string("local t = {} pcall(function() for i = 1, 1e9 do t[i] = ('y'):rep(1000) .. i end end)\n"
                          "t = nil") +
              kReturnView);
  EXPECT_EQ(e.code, "handler_limit") << e.message;
}

TEST_F(SandboxTest, RecursionWithoutEndIsStopped) {
  auto e = failure("local function f(n) return 1 + f(n + 1) end return f(1)");
  EXPECT_TRUE(e.code == "handler_error" || e.code == "handler_limit") << e.code;
  EXPECT_TRUE(e.message.find("stack overflow") != std::string::npos || e.message.find("handler_limit") == 0)
      << e.message;
  // Through a metamethod, which recurses in C.
  e = failure("local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) return t[k] end return t.x");
  EXPECT_TRUE(e.code == "handler_error" || e.code == "handler_limit") << e.code;
}

TEST_F(SandboxTest, ForbiddenLibrariesAreNotThere) {
  auto r = run_handler(package(R"lua(
return function()
  local absent = {}
  for _, name in ipairs({"io", "os", "package", "debug", "dofile", "loadfile", "print", "warn"}) do
    if _G[name] == nil then absent[#absent + 1] = name end
  end
  local nodump = string.dump == nil
  local f, err = load(function() return nil end)
  local g, err2 = load("\27Lua bytecode", "x", "b")
  local ok = pcall(require, "../etc/passwd")
  return {title = table.concat(absent, ","), blocks = {
    {type = "paragraph", text = tostring(nodump)},
    {type = "paragraph", text = tostring(f) .. " " .. tostring(err)},
    {type = "paragraph", text = tostring(g) .. " " .. tostring(err2)},
    {type = "paragraph", text = tostring(ok)},
    {type = "paragraph", text = tostring(getmetatable(""))},
  }}
end
)lua"),
                       run_for(), small());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->view.title, "io,os,package,debug,dofile,loadfile,print,warn");
  EXPECT_EQ(r->view.blocks[0].text, "true");
  EXPECT_EQ(r->view.blocks[1].text, "nil load takes source text only in the sandbox");
  EXPECT_NE(r->view.blocks[2].text.find("nil "), std::string::npos) << "bytecode refused: " << r->view.blocks[2].text;
  EXPECT_EQ(r->view.blocks[3].text, "false");
  EXPECT_EQ(r->view.blocks[4].text, "false") << "the string metatable is locked";
}

TEST_F(SandboxTest, ABacktrackingPatternRunsOutOfBudgetNotForever) {
  auto start = std::chrono::steady_clock::now();
  auto e = failure("return string.find(('a'):rep(40), ('a*'):rep(40) .. 'b')");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // Caught by pcall, it still stops the handler.
  e = failure(std::string("pcall(string.find, ('a'):rep(40), ('a*'):rep(40) .. 'b')") + kReturnView);
  EXPECT_EQ(e.code, "handler_limit") << e.message;
}

TEST_F(SandboxTest, CFunctionsTheHookCannotInterruptAreBoundedOrCharged) {
  auto e = failure("return ('x'):rep(1e9)");
  EXPECT_EQ(e.code, "handler_error");
  EXPECT_NE(e.message.find("string.rep"), std::string::npos) << e.message;
  e = failure("return table.unpack({}, 1, 1e7)");
  EXPECT_NE(e.message.find("table.unpack"), std::string::npos) << e.message;
  e = failure("local t = setmetatable({}, {__index = rawlen}) return table.concat(t, '', 1, 1e8)");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  // Each call is one instruction but copies 8 MiB: the copies are billed.
  e = failure("local s while true do s = ('x'):rep(8e6) end");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  e = failure("local s = ('x'):rep(8e6) while true do local n = utf8.len(s) end");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
}

TEST_F(SandboxTest, WaysAroundTheChargesAreClosed) {
  // rep of an empty string copies nothing but loops n times.
  auto e = failure("return string.rep('', math.maxinteger)");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  // __len makes insert and remove shift a list far longer than its raw length.
  e = failure(
      "local t = setmetatable({}, {__len = function() return math.maxinteger // 2 end}) "
      "table.insert(t, 1, 'x')");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  // Positions that would overflow must not turn a charge into a credit.
  e = failure("local s = ('x'):rep(1000) while true do pcall(utf8.len, s, math.mininteger, math.maxinteger) end");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  // Asking for input again and again at its end is a loop like any other.
  e = failure("return function() repeat local l = mc.input() until false end");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  // Showing big views costs what they weigh.
  e = failure(
      "return function() local big = {title = 't', blocks = {}} "
      "for i = 1, 2000 do big.blocks[i] = {type = 'paragraph', text = ('w '):rep(500)} end "
      "while true do mc.show(big) end end");
  EXPECT_EQ(e.code, "handler_limit") << e.message;
  // JSON is parsed outside the state's cap: its text is bounded.
  e = failure("return function() return mc.json_decode('[' .. ('1,'):rep(600000) .. '1]') end");
  EXPECT_EQ(e.code, "handler_error");
  EXPECT_NE(e.message.find("1 MiB"), std::string::npos) << e.message;
}

TEST_F(SandboxTest, MemoryFilledToTheBrimBeforeReturningIsReportedNotFatal) {
  // The entry fills the state to just under its cap and returns: whatever
  // the host allocates next must fail inside a protected call.
  auto r = run_handler(package(R"lua(
local t, cap = {}, 16 * 1024 * 1024
while collectgarbage("count") * 1024 < cap - 256 do
  local ok = pcall(function() t[#t + 1] = ("x"):rep(64) .. #t end)
  if not ok then break end
end
return function() return {title = "full", blocks = {}} end
)lua"),
                       run_for(), small());
  if (!r) {
    EXPECT_EQ(r.error().code, "handler_limit") << r.error().message;
  }
}

TEST_F(SandboxTest, FinalizersAreRefused) {
  auto e = failure(std::string("setmetatable({}, {__gc = function() while true do end end})") + kReturnView);
  EXPECT_EQ(e.code, "handler_error");
  EXPECT_NE(e.message.find("__gc"), std::string::npos) << e.message;
  e = failure(std::string("setmetatable({}, {__gc = true})") + kReturnView);
  EXPECT_NE(e.message.find("__gc"), std::string::npos) << "a placeholder __gc would mark the object too";
}

TEST_F(SandboxTest, ErrorsAndWrongShapesAreReportedClearly) {
  auto e = failure("error('boom')");
  EXPECT_EQ(e.code, "handler_error");
  EXPECT_NE(e.message.find("boom"), std::string::npos) << e.message;
  e = failure("return 42");
  EXPECT_NE(e.message.find("must return a function"), std::string::npos) << e.message;
  e = failure("return function() return 'a view?' end");
  EXPECT_EQ(e.code, "handler_bad_view");
  e = failure("return function() return {title = 't', blocks = {{type = 'paragraph', text = true}}} end");
  EXPECT_EQ(e.code, "handler_bad_view");
  EXPECT_NE(e.message.find("view.blocks[1].text is a boolean"), std::string::npos) << e.message;
  e = failure("return function() return {title = 't\\xff', blocks = {}} end");
  EXPECT_NE(e.message.find("UTF-8"), std::string::npos) << e.message;
  e = failure("return function() return {title = 't', blocks = {{type = 'marquee'}}} end");
  EXPECT_NE(e.message.find("'marquee'"), std::string::npos) << e.message;
  e = failure("return function() error({}) end");
  EXPECT_NE(e.message.find("table"), std::string::npos) << e.message;
  e = failure(
      "return function() return {title = 't', blocks = {}, actions = {{type = 'buy', label = 'x', "
      "url = 'javascript:alert(1)'}}} end");
  EXPECT_NE(e.message.find("http"), std::string::npos) << e.message;
}

TEST_F(SandboxTest, TheWallClockDeadlineStopsASlowHandler) {
  SandboxLimits l = small();
  l.instructions = 1'000'000'000'000;
  l.time = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto e = failure("while true do end", l);
  EXPECT_EQ(e.code, "handler_limit");
  EXPECT_NE(e.message.find("time"), std::string::npos) << e.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(SandboxTest, NothingLeaksFromOneRunToTheNextButTheStateStore) {
  auto pkg = package(R"lua(
local seen = leaked
leaked = "from the first run"
return function()
  local before = mc.state_get("visits") or "0"
  mc.state_set("visits", tostring(tonumber(before) + 1))
  return {title = tostring(seen), blocks = {{type = "paragraph", text = before}}}
end
)lua");
  auto first = run_handler(pkg, run_for(), small());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->view.title, "nil");
  EXPECT_TRUE(first->state_changed);
  auto second_run = run_for();
  second_run.state = first->state;
  auto second = run_handler(pkg, second_run, small());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->view.title, "nil") << "globals do not survive a run";
  EXPECT_EQ(second->view.blocks[0].text, "1");
  EXPECT_EQ(second->state.at("visits"), "2");
}

TEST_F(SandboxTest, TheStateStoreIsCapped) {
  auto r = run_handler(package(R"lua(
return function()
  local ok1 = mc.state_set("a", ("x"):rep(40000))
  local ok2, err = mc.state_set("b", ("y"):rep(40000))
  local ok3 = mc.state_set("a", nil)
  local ok4 = mc.state_set("b", ("y"):rep(40000))
  return {title = tostring(ok1) .. " " .. tostring(err) .. " " .. tostring(ok4), blocks = {}}
end
)lua"),
                       run_for(), small());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->view.title, "true state_full true");
  EXPECT_EQ(r->state.count("a"), 0u);
  EXPECT_EQ(r->state.at("b").size(), 40000u);
}

TEST_F(SandboxTest, AnInteractiveHandlerReadsLinesAndShowsViews) {
  auto run = run_for();
  std::vector<std::string> lines = {"left", "right"};
  std::size_t next = 0;
  std::vector<std::string> shown;
  run.input = [&](const std::string& prompt) -> std::optional<std::string> {
    EXPECT_EQ(prompt, "move> ");
    if (next == lines.size()) return std::nullopt;
    return lines[next++];
  };
  run.show = [&](const View& v) { shown.push_back(v.title); };
  auto r = run_handler(package(R"lua(
return function()
  local moves = {}
  while true do
    mc.show({title = "turn " .. (#moves + 1), blocks = {}})
    local line = mc.input("move> ")
    if not line then break end
    moves[#moves + 1] = line
    for i = 1, 3e6 do end  -- each turn has its own budget
  end
  return {title = table.concat(moves, "+"), blocks = {}}
end
)lua"),
                       std::move(run), small());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->view.title, "left+right");
  EXPECT_EQ(shown, (std::vector<std::string>{"turn 1", "turn 2", "turn 3"}));
}

TEST_F(SandboxTest, JsonDecodesIntoLuaValues) {
  auto r = run_handler(package(R"lua(
return function()
  local v = mc.json_decode('{"name":"Shoes","price":"59.00","sizes":[40,41],"gift":null}')
  local bad, err = mc.json_decode('{"name":')
  return {title = v.name .. " " .. v.sizes[2] .. " " .. tostring(v.gift == mc.null), blocks = {
    {type = "paragraph", text = tostring(bad) .. " " .. tostring(err ~= nil)}}}
end
)lua"),
                       run_for(), small());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->view.title, "Shoes 41 true");
  EXPECT_EQ(r->view.blocks[0].text, "nil true");
}

}  // namespace
}  // namespace mc::client::handlers
