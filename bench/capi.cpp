// The cost of the C API (issue 13): the same operation called through
// mc_call (JSON text in, JSON text out, malloc'd answer) and through
// MessageCenter::call in C++, call by call in turn against one msgcenterd.
// The paired difference per call is the C API's overhead; the goal is under
// 5 us plus the JSON of the answer, so the second table's reference writes
// the answer's JSON text too.
//
//   bench_capi [--server-binary build/release/msgcenterd] [--calls N]
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/account/account.hpp"
#include "client/acquire/catalog.hpp"
#include "client/api/message_center.hpp"
#include "client/connection.hpp"
#include "core/random.hpp"
#include "harness.hpp"
#include "msgcenter/msgcenter.h"

using namespace mc;
using namespace mc::bench;
using Clock = std::chrono::steady_clock;

namespace {

double us_since(Clock::time_point t) { return std::chrono::duration<double, std::micro>(Clock::now() - t).count(); }

// One C API call, timed; the answer is read (its length) and freed, as an app would.
double c_call(mc_client* c, const char* op, const char* request, std::size_t* answer_bytes) {
  char* answer = nullptr;
  auto t = Clock::now();
  int rc = mc_call(c, op, request, &answer);
  if (rc != MC_OK) throw std::runtime_error(std::string(op) + " failed: " + (answer ? answer : ""));
  *answer_bytes = std::strlen(answer);
  mc_free(answer);
  return us_since(t);
}

struct Pair {
  std::vector<double> c_api, direct, diff;  // diff: each C API call minus the direct call next to it
  std::size_t answer_bytes = 0;
};

// Alternates the two ways call by call, so that both see the same machine
// and the same server; the median of the paired differences is the
// overhead, steadier than the difference of two medians over loopback.
template <class Direct>
Pair measure(mc_client* c, const char* op, const char* request, int calls, Direct&& direct) {
  Pair p;
  for (int i = 0; i < 50; ++i) {  // warm-up: connections, caches
    c_call(c, op, request, &p.answer_bytes);
    direct();
  }
  for (int i = 0; i < calls; ++i) {
    // Which goes first alternates: a request that follows another finds the
    // server's thread awake, and that must not count for either side.
    double a = 0, b = 0;
    auto timed_direct = [&] {
      auto t = Clock::now();
      direct();
      b = us_since(t);
    };
    if (i % 2 == 0) {
      a = c_call(c, op, request, &p.answer_bytes);
      timed_direct();
    } else {
      timed_direct();
      a = c_call(c, op, request, &p.answer_bytes);
    }
    p.c_api.push_back(a);
    p.direct.push_back(b);
    p.diff.push_back(a - b);
  }
  return p;
}

// "+1.25 us" / "-0.30 us".
std::string signed_us(double v) { return (v < 0 ? "" : "+") + fmt(v, 2) + " us"; }

Row row(const std::string& work, const Pair& p) {
  return {work + " (" + std::to_string(p.answer_bytes) + " B answer)", fmt(median(p.c_api), 2) + " us",
          fmt(median(p.direct), 2) + " us", signed_us(median(p.diff))};
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd";
  int calls = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--server-binary") binary = argv[i + 1];
    else if (a == "--calls") calls = std::stoi(argv[i + 1]);
  }
  init_crypto();
  std::string data = fresh_data_dir("bench-capi");
  add_user(binary, data, "studio", "studio-password", "provider");
  ServerProcess server(binary, data);

  // Fifty resources, so that the catalog answer has a realistic size.
  auto conn = client::Connection::open(server.url());
  if (!conn) throw std::runtime_error(conn.error().message);
  if (!client::login(**conn, "studio", "studio-password", "")) throw std::runtime_error("login failed");
  for (int i = 0; i < 50; ++i) {
    std::string path = data + "/r" + std::to_string(i) + ".txt";
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fprintf(f, "resource %d\n", i);
    std::fclose(f);
    auto r = client::publish_file(**conn, {path, "novel", "Novel number " + std::to_string(i), {"bench"}, "", {}});
    if (!r) throw std::runtime_error(r.error().message);
  }

  std::string config = "{\"server\": \"" + server.url() + "\", \"home\": \"" + data + "/c-home\"}";
  char* error = nullptr;
  mc_client* c = mc_client_new(config.c_str(), &error);
  if (!c) throw std::runtime_error(error ? error : "mc_client_new failed");
  std::size_t ignored = 0;
  c_call(c, "login", "{\"network_id\": \"studio\", \"password\": \"studio-password\"}", &ignored);

  auto center = client::MessageCenter::open({data + "/cpp-home", server.url(), ""});
  if (!center) throw std::runtime_error(center.error().message);
  if (!(*center)->call("login", {{"network_id", "studio"}, {"password", "studio-password"}})) {
    throw std::runtime_error("login failed");
  }

  // The same operation through the same table, from C++: what the C API
  // adds is the request's JSON text, the answer's JSON text, and the copy
  // it hands over. The second reference also writes the answer's text (and
  // copies it, as an app that keeps it would): the difference to that is the
  // overhead beyond the JSON of the answer, which is what the goal bounds.
  auto through_center = [&](const char* op, boost::json::object request, bool with_text) {
    return [&center, op, request, with_text] {
      auto a = (*center)->call(op, request);
      if (!a) throw std::runtime_error(std::string(op) + " failed");
      if (with_text) {
        std::string t = boost::json::serialize(*a);
        char* copy = static_cast<char*>(std::malloc(t.size() + 1));
        std::memcpy(copy, t.data(), t.size() + 1);
        if (std::strlen(copy) == 0) throw std::runtime_error("empty answer");
        std::free(copy);
      }
    };
  };
  struct Case {
    std::string work;
    const char* op;
    const char* request_text;
    boost::json::object request;
    int calls;
  };
  std::vector<Case> cases = {{"status, no network", "status", "{}", {}, calls},
                             {"operations, no network", "operations", "{}", {}, calls},
                             {"whoami over loopback", "whoami", "{}", {}, calls / 4},
                             {"catalog of 50 over loopback", "catalog", "{\"limit\": 50}", {{"limit", 50}}, calls / 4}};
  std::vector<Row> plain, beyond;
  for (const auto& k : cases) {
    auto p = measure(c, k.op, k.request_text, k.calls, through_center(k.op, k.request, false));
    plain.push_back(row(k.work, p));
    auto q = measure(c, k.op, k.request_text, k.calls, through_center(k.op, k.request, true));
    double over = median(q.diff);
    beyond.push_back({k.work, signed_us(over), "5 us", fmt(over / 5.0, 2) + "x of the goal"});
  }
  mc_client_free(c);

  print_table(
      "mc_call (ours) vs MessageCenter::call in C++ (reference): medians per call, and of the paired "
      "differences",
      plain);
  print_table("The C API's overhead beyond the answer's JSON text (paired median; goal: under 5 us)", beyond);
  return 0;
}
