// The cost of the C API (issue 13): the same operation called through
// mc_call (JSON text in, JSON text out, malloc'd answer) and called
// directly in C++, interleaved in one run against one msgcenterd. The
// difference per call is the C API's overhead; the goal is under 5 us plus
// the JSON of the answer.
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
#include "core/wire/codec.hpp"
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
  std::vector<double> c_api, direct;
  std::size_t answer_bytes = 0;
};

// Alternates batches of the two ways so that both see the same machine.
template <class Direct>
Pair measure(mc_client* c, const char* op, const char* request, int calls, Direct&& direct) {
  Pair p;
  for (int i = 0; i < 50; ++i) {  // warm-up: connections, caches
    c_call(c, op, request, &p.answer_bytes);
    direct();
  }
  for (int batch = 0; batch < 10; ++batch) {
    for (int i = 0; i < calls / 10; ++i) p.c_api.push_back(c_call(c, op, request, &p.answer_bytes));
    for (int i = 0; i < calls / 10; ++i) {
      auto t = Clock::now();
      direct();
      p.direct.push_back(us_since(t));
    }
  }
  return p;
}

Row row(const std::string& work, const Pair& p) {
  double c = median(p.c_api), d = median(p.direct);
  return {work + " (" + std::to_string(p.answer_bytes) + " B answer)", fmt(c, 2) + " us", fmt(d, 2) + " us",
          "+" + fmt(c - d, 2) + " us"};
}

// The median cost of writing an answer's JSON text from its value: the
// part of the overhead that grows with the answer, which the goal excludes.
template <class MakeJson>
double json_us(int n, MakeJson&& make) {
  std::vector<double> v;
  std::size_t total = 0;
  for (int i = 0; i < n; ++i) {
    auto t = Clock::now();
    std::string text = boost::json::serialize(make());
    v.push_back(us_since(t));
    total += text.size();
  }
  if (total == 0) throw std::runtime_error("empty answers");
  return median(v);
}

Row beyond_json(const std::string& work, const Pair& p, double json) {
  double over = median(p.c_api) - median(p.direct);
  return {work, "+" + fmt(over - json, 2) + " us", "5 us", fmt((over - json) / 5.0, 2) + "x of the goal"};
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
  std::string data = std::filesystem::absolute("build/bench-capi").string();
  std::filesystem::remove_all(data);
  std::filesystem::create_directories(data);
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
    auto r = client::publish_file(**conn, {path, "novel", "Novel number " + std::to_string(i), {"bench"}, ""});
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

  // No network: the table's local operation, C API vs the C++ MessageCenter.
  auto status = measure(c, "status", "{}", calls, [&] {
    if (!(*center)->call("status", {})) throw std::runtime_error("status failed");
  });
  // Over loopback: whoami and a page of 50 resources, C API vs the C++
  // client functions (typed records, no JSON text for the caller).
  auto whoami = measure(c, "whoami", "{}", calls / 4, [&] {
    if (!client::whoami(**conn)) throw std::runtime_error("whoami failed");
  });
  auto catalog = measure(c, "catalog", "{\"limit\": 50}", calls / 4, [&] {
    if (!client::list_resources(**conn, std::nullopt, 0, 50)) throw std::runtime_error("catalog failed");
  });
  mc_client_free(c);

  // What the C API adds that an answer's size does not explain.
  auto status_answer = (*center)->call("status", {}).value();
  auto user = client::whoami(**conn).value();
  auto page = client::list_resources(**conn, std::nullopt, 0, 50).value();
  double status_json = json_us(calls, [&] { return status_answer; });
  double whoami_json = json_us(calls, [&] { return wire::to_json(user); });
  double catalog_json = json_us(calls, [&] { return wire::to_json(page); });

  print_table("A call through the C API (ours) vs the same operation in C++ (reference), median per call",
              {row("status, no network", status), row("whoami over loopback", whoami),
               row("catalog of 50 over loopback", catalog)});
  print_table("The C API's overhead beyond writing the answer's JSON (goal: under 5 us)",
              {beyond_json("status (JSON " + fmt(status_json, 2) + " us)", status, status_json),
               beyond_json("whoami (JSON " + fmt(whoami_json, 2) + " us)", whoami, whoami_json),
               beyond_json("catalog of 50 (JSON " + fmt(catalog_json, 2) + " us)", catalog, catalog_json)});
  return 0;
}
