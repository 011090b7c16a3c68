// Handlers (issue 11), two measures:
//   opening a page of a 1 MiB novel through the message center, against a
//     real msgcenterd: cold (a new profile: the novel downloaded, the novel
//     reader fetched from the store, verified, installed, run) and warm
//     (all of it stored: verify the installed package again, run);
//   the sandbox's cost: the same Lua code (the novel reader paging that
//     novel from scratch, and a loop-and-table workload that runs in the VM
//     rather than in C string functions) in the sandbox, with its count
//     hook, allocator and wrappers, and in a plain Lua state; alternated run
//     by run, medians and their ratio.
//
//   bench_handlers [--server-binary build/release/msgcenterd] [--handlers handlers] [--cold 20] [--warm 200]
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/api/message_center.hpp"
#include "client/handlers/handler_source.hpp"
#include "client/handlers/keys.hpp"
#include "client/handlers/sandbox.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "harness.hpp"

extern "C" {
#include <lua5.4/lauxlib.h>
#include <lua5.4/lua.h>
#include <lua5.4/lualib.h>
}

using namespace mc;
using namespace mc::bench;
namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// About 1 MiB of prose in chapters, as a provider's novel is.
std::string make_novel() {
  static const char* words[] = {"harbour", "ferry", "lantern", "tide",   "rope",  "gull", "stranger", "night",
                                "quay",    "salt",  "window",  "letter", "storm", "bell", "captain",  "road"};
  std::string s = "The Quiet Harbour\n\n";
  std::uint32_t x = 12345;
  for (int chapter = 1; s.size() < (1u << 20); ++chapter) {
    s += "Chapter " + std::to_string(chapter) + "\n\n";
    for (int p = 0; p < 30; ++p) {
      for (int w = 0; w < 90; ++w) {
        x = x * 1103515245u + 12345u;
        s += words[(x >> 16) % 16];
        s += (w % 12 == 11) ? ". " : " ";
      }
      s += "\n\n";
    }
  }
  return s;
}

std::unique_ptr<client::MessageCenter> center(const std::string& home, const std::string& url) {
  auto c = client::MessageCenter::open({home, url, "bench"});
  if (!c) throw std::runtime_error(c.error().message);
  return std::move(*c);
}

// ---- the same Lua, unsandboxed ---------------------------------------------

// A plain state with every standard library and an mc table written in Lua
// over io, so that the handler's own code runs unchanged.
double run_plain(const std::string& dir, const std::string& novel_path, std::int64_t size, const std::string& body) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  std::string prelude =
      "local dir, path, size = ...\n"
      "local f = assert(io.open(path, 'rb'))\n"
      "local state, loaded = {}, {}\n"
      "mc = {size = function() return size end,\n"
      "  read = function(o, n) f:seek('set', o) return f:read(n) or '' end,\n"
      "  resource = function() return {id = 'r', title = 'Novel', type = 'novel', mime = "
      "'text/plain', size = size, sha256 = 'plain', tags = {}} end,\n"
      "  state_get = function(k) return nil end, state_set = function(k, v) return true end,\n"
      "  open = function(id, l) return {type = 'open', resource_id = id, label = l or id} end}\n"
      "function require(p) if loaded[p] == nil then loaded[p] = assert(loadfile(dir .. '/' .. p))(p) "
      "or true end return loaded[p] end\n" +
      body;
  auto t = Clock::now();
  if (luaL_loadstring(L, prelude.c_str()) != LUA_OK) throw std::runtime_error(lua_tostring(L, -1));
  lua_pushstring(L, dir.c_str());
  lua_pushstring(L, novel_path.c_str());
  lua_pushinteger(L, size);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) throw std::runtime_error(lua_tostring(L, -1));
  double ms = ms_since(t);
  lua_close(L);
  return ms;
}

const char* kNovelBody = "local open = require('main.lua') local v = open({page = 3}) assert(v.page.number == 3)\n";

// Loops, tables and calls: the VM's own work, where a count hook costs most.
const char* kVmWork =
    "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end\n"
    "local t = {} for i = 1, 300000 do t[#t + 1] = i % 7 end\n"
    "local s = 0 for i = 1, #t do s = s + t[i] end\n"
    "s = s + fib(24)\n";

double run_sandboxed(const handler::Package& pkg, const std::string& novel_path, std::int64_t size) {
  client::handlers::HandlerRun run;
  run.resource.id = "r";
  run.resource.title = "Novel";
  run.resource.type = "novel";
  run.resource.mime = "text/plain";
  run.resource.size = size;
  run.resource.sha256 = "sandboxed";
  run.content_path = novel_path;
  run.page = 3;
  auto t = Clock::now();
  auto r = client::handlers::run_handler(pkg, std::move(run));
  double ms = ms_since(t);
  if (!r) throw std::runtime_error("sandboxed run failed: " + r.error().message);
  return ms;
}

handler::Package vm_package() {
  handler::Package p;
  p.manifest.name = "vm-work";
  p.manifest.entry = "main.lua";
  p.files.push_back(
      {"main.lua", std::string("return function()\n") + kVmWork + "return {title = 'done', blocks = {}} end\n"});
  return p;
}

struct Ratio {
  std::vector<double> sandboxed, plain;
};

template <class A, class B>
Ratio alternate(int runs, A&& sandboxed, B&& plain) {
  Ratio r;
  sandboxed();
  plain();  // warm-up: page cache, allocator
  for (int i = 0; i < runs; ++i) {
    if (i % 2 == 0) {
      r.sandboxed.push_back(sandboxed());
      r.plain.push_back(plain());
    } else {
      r.plain.push_back(plain());
      r.sandboxed.push_back(sandboxed());
    }
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd";
  std::string handlers_dir = "handlers";
  int cold_runs = 20, warm_runs = 200, ratio_runs = 15;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--server-binary") binary = argv[i + 1];
    else if (a == "--handlers") handlers_dir = argv[i + 1];
    else if (a == "--cold") cold_runs = std::stoi(argv[i + 1]);
    else if (a == "--warm") warm_runs = std::stoi(argv[i + 1]);
  }
  init_crypto();
  std::string data = fresh_data_dir("bench-handlers");
  add_user(binary, data, "studio", "studio-password", "provider");
  add_user(binary, data, "reader", "reader-password", "user");
  std::string key = data + "/publish.key";
  if (!client::write_handler_key_pair(key)) throw std::runtime_error("keygen failed");
  std::string add = binary + " --data " + data + " handler-key add " + key + ".pub >/dev/null";
  if (std::system(add.c_str()) != 0) throw std::runtime_error("handler-key add failed");
  ServerProcess server(binary, data);

  std::string novel = make_novel();
  std::string novel_path = data + "/novel.txt";
  std::ofstream(novel_path, std::ios::binary) << novel;
  auto studio = center(data + "/studio-home", server.url());
  call(*studio, "login", {{"network_id", "studio"}, {"password", "studio-password"}});
  call(*studio, "handler", {{"action", "publish"}, {"path", handlers_dir + "/novel-reader"}, {"key", key}});
  auto published =
      call(*studio, "publish",
           {{"path", novel_path}, {"type", "novel"}, {"title", "The Quiet Harbour"}, {"mime", "text/plain"}});
  std::string rid = json::value_to<std::string>(published.at("id"));

  // Cold: a new profile each time; only the open is timed.
  std::vector<double> cold;
  for (int i = 0; i < cold_runs; ++i) {
    auto c = center(data + "/cold-" + std::to_string(i), server.url());
    call(*c, "login", {{"network_id", "reader"}, {"password", "reader-password"}});
    auto t = Clock::now();
    auto opened = call(*c, "open", {{"id", rid}, {"page", 3}});
    cold.push_back(ms_since(t));
    if (!opened.at("handler_installed").as_bool()) throw std::runtime_error("a cold open installed nothing");
  }
  // Warm: the last cold profile again.
  auto warm_center = center(data + "/cold-" + std::to_string(cold_runs - 1), server.url());
  std::vector<double> warm;
  for (int i = 0; i < warm_runs; ++i) {
    auto t = Clock::now();
    auto opened = call(*warm_center, "open", {{"id", rid}, {"page", 3 + i % 5}});
    warm.push_back(ms_since(t));
    if (opened.at("handler_installed").as_bool()) throw std::runtime_error("a warm open installed again");
  }

  // The sandbox against plain Lua, on the novel reader itself (its index
  // not cached: the whole megabyte is scanned) and on VM-bound work.
  auto pkg = client::read_handler_dir(handlers_dir + "/novel-reader");
  if (!pkg) throw std::runtime_error(pkg.error().message);
  auto size = static_cast<std::int64_t>(novel.size());
  std::string abs_dir = fs::absolute(handlers_dir + "/novel-reader").string();
  auto reader = alternate(
      ratio_runs, [&] { return run_sandboxed(*pkg, novel_path, size); },
      [&] { return run_plain(abs_dir, novel_path, size, kNovelBody); });
  auto vm = vm_package();
  auto vm_ratio = alternate(
      ratio_runs, [&] { return run_sandboxed(vm, novel_path, size); },
      [&] { return run_plain(abs_dir, novel_path, size, kVmWork); });

  std::printf("novel: %.2f MiB; %d cold and %d warm opens of a page; sandbox ratios: medians of %d alternated runs\n",
              static_cast<double>(novel.size()) / (1 << 20), cold_runs, warm_runs, ratio_runs);
  auto latency = [](const std::vector<double>& v) {
    return fmt(median(v), 1) + " / " + fmt(percentile(v, 99), 1) + " ms";
  };
  print_table("Opening a page of a 1 MiB novel through the message center (p50 / p99; loopback msgcenterd)",
              {{"cold: download, fetch + verify + install handler, run", latency(cold), "", ""},
               {"warm: verify the installed package again, run", latency(warm), "goal: p99 < 20 ms", ""}});
  auto ratio_row = [](const std::string& work, const Ratio& r) {
    double s = median(r.sandboxed), p = median(r.plain);
    return Row{work, fmt(s, 1) + " ms", fmt(p, 1) + " ms", fmt(s / p, 2) + "x"};
  };
  print_table("The sandbox (count hook, allocator, wrappers) against plain Lua 5.4, same code (goal <= 1.15x)",
              {ratio_row("novel reader, 1 MiB scanned and paged", reader),
               ratio_row("loops, tables, calls (VM-bound)", vm_ratio)});
  return 0;
}
