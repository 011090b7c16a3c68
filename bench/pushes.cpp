// A campaign to every user (100,000 by default) through the real server:
// the time until every push is committed, and what it costs other users
// meanwhile: the latency of shares between two users while the campaign
// goes out, beside the same shares' latency with no campaign running,
// measured in the same run on the same server.
//
//   bench_pushes --server-binary build/release/msgcenterd [--users 100000] [--seconds 5] [--chunk 500] [--runs 3]
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "client/account/account.hpp"
#include "client/connection.hpp"
#include "core/random.hpp"
#include "harness.hpp"

namespace json = boost::json;
using namespace mc;
using namespace mc::bench;

namespace {

json::object call_json(client::Connection& conn, const char* method, const std::string& path,
                       const json::value* body = nullptr) {
  auto r = conn.call(method, path, body);
  if (!r) throw std::runtime_error(std::string(method) + " " + path + ": " + r.error().message);
  return r->is_object() ? r->as_object() : json::object{};
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd";
  int users = 100000;
  double seconds = 5;
  std::string chunk = "500";
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--server-binary") binary = argv[i + 1];
    else if (a == "--users") users = std::stoi(argv[i + 1]);
    else if (a == "--seconds") seconds = std::stod(argv[i + 1]);
    else if (a == "--chunk") chunk = argv[i + 1];
    else if (a == "--runs") runs = std::stoi(argv[i + 1]);
  }
  init_crypto();
  std::string data = fresh_data_dir("bench-pushes");
  add_user(binary, data, "studio", "studio-password", "provider");
  {
    // The audience, made in one transaction (the password hashed once).
    std::string cmd = "echo bench-password | " + binary + " --data " + data + " user add-many user " +
                      std::to_string(users) + " > /dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("user add-many failed");
  }
  ServerProcess server(binary, data, {"--push-tick-ms", "20", "--recommend-every-seconds", "0", "--push-chunk", chunk});
  auto conn = client::Connection::open(server.url());
  if (!conn) throw std::runtime_error(conn.error().message);
  for (const char* u : {"alice", "bob"}) {
    if (auto st = client::register_account(**conn, u, std::string(u) + "-password"); !st) {
      throw std::runtime_error(st.error().message);
    }
  }
  auto studio = client::login(**conn, "studio", "studio-password", "");
  if (!studio) throw std::runtime_error(studio.error().message);
  auto up = (*conn)->http().request("POST", "/v1/blobs", "bench resource", (*conn)->auth_headers());
  if (!up || up->status != 201) throw std::runtime_error("blob upload failed");
  std::string sha(json::parse(up->body).at("sha256").as_string());
  auto publish = [&](const std::string& title) {
    json::value res = {{"type", "novel"}, {"title", title}, {"sha256", sha}};
    return std::string(call_json(**conn, "POST", "/v1/resources", &res).at("resource").at("id").as_string());
  };
  std::string shared = publish("Shared between users");
  auto alice = client::login(**conn, "alice", "alice-password", "");
  if (!alice) throw std::runtime_error(alice.error().message);
  if (!client::login(**conn, "studio", "studio-password", "")) throw std::runtime_error("login");

  struct Run {
    double campaign_seconds = 0;
    double quiet_p50 = 0, quiet_p99 = 0, during_p50 = 0, during_p99 = 0;
    std::size_t during_count = 0;
  };
  std::vector<Run> results;
  std::int64_t audience = 0;
  for (int r = 0; r < runs; ++r) {
    Run run;
    // Shares with no campaign running: the reference, just before.
    auto quiet = run_senders(server.url(), {alice->token}, shared, "bob", 1, seconds);
    run.quiet_p50 = percentile(quiet.latencies_us, 0.5);
    run.quiet_p99 = percentile(quiet.latencies_us, 0.99);

    // A new resource each run: nobody is pushed the same one twice.
    std::string pushed = publish("Pushed to everyone, run " + std::to_string(r + 1));
    json::value body = {{"resource_ids", json::array{json::value(pushed)}},
                        {"message", "for everyone"},
                        {"audience", "everyone"}};
    auto created = call_json(**conn, "POST", "/v1/campaigns", &body);
    const std::string id(created.at("campaign").at("id").as_string());
    audience = created.at("campaign").at("audience_size").as_int64();
    auto started = std::chrono::steady_clock::now();

    // The campaign's end, watched from its own connection.
    std::atomic<bool> done{false};
    std::thread watcher([&] {
      auto watch = client::Connection::open(server.url());
      if (!watch) return;
      if (!client::login(**watch, "studio", "studio-password", "")) return;
      // The campaign's own record (one row), not its stats (which count
      // every push): the watching must not load the server it measures.
      for (;;) {
        auto c = (*watch)->call("GET", "/v1/campaigns/" + id);
        if (c && c->is_object() && c->as_object().at("campaign").at("state").as_string() == "finished") {
          run.campaign_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          done = true;
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    // Shares while it goes out, a second at a time until it is done.
    std::vector<double> during;
    while (!done) {
      auto m = run_senders(server.url(), {alice->token}, shared, "bob", 1, 1.0);
      if (!done) during.insert(during.end(), m.latencies_us.begin(), m.latencies_us.end());
    }
    watcher.join();
    auto stats = call_json(**conn, "GET", "/v1/campaigns/" + id + "/stats");
    if (stats.at("delivered").as_int64() != audience) throw std::runtime_error("not every push was delivered");
    run.during_count = during.size();
    run.during_p50 = during.empty() ? 0 : percentile(during, 0.5);
    run.during_p99 = during.empty() ? 0 : percentile(during, 0.99);
    results.push_back(run);
  }

  auto med = [&](double Run::*field) {
    std::vector<double> v;
    for (const auto& r : results) v.push_back(r.*field);
    return median(v);
  };
  const double secs = med(&Run::campaign_seconds);
  const double q50 = med(&Run::quiet_p50), q99 = med(&Run::quiet_p99);
  const double d50 = med(&Run::during_p50), d99 = med(&Run::during_p99);
  std::printf("msgcenter bench: a campaign to %lld users, %s users per chunk, %d runs, medians; data directory %s\n",
              static_cast<long long>(audience), chunk.c_str(), runs, data.c_str());
  print_table("A campaign to everyone, written in chunks through the group commit",
              {
                  {"every push committed", fmt(secs, 1) + " s", fmt(static_cast<double>(audience) / secs) + " pushes/s",
                   ""},
                  {"share latency p50, during vs none", fmt(d50) + " us", fmt(q50) + " us", fmt(d50 / q50, 2) + "x"},
                  {"share latency p99, during vs none", fmt(d99) + " us", fmt(q99) + " us", fmt(d99 / q99, 2) + "x"},
                  {"shares measured during a campaign (last run)", std::to_string(results.back().during_count), "", ""},
              });
  return 0;
}
