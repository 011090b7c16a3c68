// Fan-out and durability at scale, each beside a reference measured in the
// same run:
//   1. one sender shares to N online WebSocket recipients (N = 1,000 and
//      10,000): deliveries per second, p50/p99 from the send to each receipt;
//   2. durable sends per second with 64 concurrent senders (64 keep-alive
//      connections driven by 2 threads, as pgbench -c 64 -j 2), beside the data
//      disk's one-at-a-time fsync ceiling and PostgreSQL 15's pgbench TPS for
//      a one-row INSERT per transaction at 64 clients;
//   3. the server's resident memory per idle stream with 15,000 streams.
//
//   bench_fanout --server-binary build/release/msgcenterd [--runs 3] [--only fanout|durable|idle]
//
// --only runs one part (for working on it); `make bench` runs all three.
#include <sys/resource.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "client/account/account.hpp"
#include "client/connection.hpp"
#include "core/random.hpp"
#include "harness.hpp"
#include "http_load.hpp"
#include "postgres_reference.hpp"
#include "ws_swarm.hpp"

namespace json = boost::json;
using namespace mc;
using namespace mc::bench;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kFanUsers = 10000;
constexpr int kIdleStreams = 15000;
constexpr int kSenders = 64;

void raise_open_files() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;  // the server, forked after this, inherits it
  setrlimit(RLIMIT_NOFILE, &rl);
}

struct FanoutRun {
  double deliveries_per_s = 0, p50_ms = 0, p99_ms = 0, commit_ms = 0;
  double delivered = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd";
  int runs = 3;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--server-binary") binary = argv[i + 1];
    else if (a == "--runs") runs = std::stoi(argv[i + 1]);
    else if (a == "--only") only = argv[i + 1];
  }
  if (!only.empty() && only != "fanout" && only != "durable" && only != "idle") {
    std::fprintf(stderr, "--only takes fanout, durable or idle\n");
    return 2;
  }
  auto part = [&](const char* name) { return only.empty() || only == name; };
  init_crypto();
  raise_open_files();
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  std::string data = std::filesystem::absolute("build/bench-fanout").string();
  std::filesystem::remove_all(data);
  std::filesystem::create_directories(data);

  add_user(binary, data, "studio", "studio-password", "provider");
  auto run_cmd = [](const std::string& cmd) {
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
  };
  run_cmd("echo fan-password | '" + binary + "' --data '" + data + "' user add-many fan " + std::to_string(kFanUsers) +
          " --tokens-out '" + data + "/fan.tokens' >/dev/null");
  run_cmd("echo snd-password | '" + binary + "' --data '" + data + "' user add-many snd " + std::to_string(kSenders) +
          " --tokens-out '" + data + "/snd.tokens' >/dev/null");
  run_cmd("echo sink-password | '" + binary + "' --data '" + data + "' user add-many sink 1 >/dev/null");
  auto fan = read_tokens(data + "/fan.tokens");
  auto snd = read_tokens(data + "/snd.tokens");
  // read_tokens keeps file order; the file is in no particular order.
  std::map<std::string, std::string> fan_token(fan.begin(), fan.end());

  ServerProcess server(binary, data);
  int port = std::stoi(server.url().substr(server.url().rfind(':') + 1));
  auto conn = client::Connection::open(server.url());
  if (!conn) throw std::runtime_error(conn.error().message);
  if (!client::login(**conn, "studio", "studio-password", "")) throw std::runtime_error("login failed");
  auto up = (*conn)->http().request("POST", "/v1/blobs", "a song for everyone", (*conn)->auth_headers());
  if (!up || up->status != 201) throw std::runtime_error("blob upload failed");
  json::value res = {{"type", "music"}, {"title", "Fan-out"}, {"sha256", json::parse(up->body).at("sha256")}};
  auto created = (*conn)->call("POST", "/v1/resources", &res);
  if (!created) throw std::runtime_error(created.error().message);
  std::string resource_id(created->at("resource").at("id").as_string());
  auto sender = client::Connection::open(server.url(), snd.front().second);

  // ---- 1. fan-out to N online recipients -----------------------------------
  std::vector<int> head(kFanUsers + 1, 0);  // each fan user's inbox head, as we sent
  std::map<int, std::vector<FanoutRun>> fanout;
  for (int n : {1000, 10000}) {
    if (!part("fanout")) break;
    std::vector<std::string> tokens, queries;
    json::array to;
    for (int i = 1; i <= n; ++i) to.emplace_back("fan" + std::to_string(i));
    std::string body = json::serialize(json::object{{"resource_id", resource_id}, {"to", to}, {"note", "fan-out"}});
    for (int r = 0; r < runs; ++r) {
      tokens.clear();
      queries.clear();
      for (int i = 1; i <= n; ++i) {
        tokens.push_back(fan_token["fan" + std::to_string(i)]);
        queries.push_back("?after=" + std::to_string(head[static_cast<std::size_t>(i)]));
      }
      WsSwarm swarm;
      std::size_t online = swarm.connect(port, tokens, queries, 256, std::chrono::seconds(120));
      if (online != static_cast<std::size_t>(n)) std::fprintf(stderr, "only %zu of %d streams connected\n", online, n);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      swarm.arm();
      auto t0 = Clock::now();
      auto reply = (*sender)->http().request("POST", "/v1/shares", body, (*sender)->auth_headers());
      auto t_commit = Clock::now();
      if (!reply || reply->status != 201) throw std::runtime_error("fan-out share failed");
      for (int i = 1; i <= n; ++i) ++head[static_cast<std::size_t>(i)];
      auto arrivals = swarm.wait_items(std::chrono::seconds(60));
      std::vector<double> lat;
      Clock::time_point last = t0;
      for (auto t : arrivals) {
        lat.push_back(std::chrono::duration<double, std::milli>(t - t0).count());
        last = std::max(last, t);
      }
      FanoutRun fr;
      fr.delivered = static_cast<double>(arrivals.size());
      fr.deliveries_per_s = static_cast<double>(arrivals.size()) / std::chrono::duration<double>(last - t0).count();
      fr.p50_ms = percentile(lat, 0.5);
      fr.p99_ms = percentile(lat, 0.99);
      fr.commit_ms = std::chrono::duration<double, std::milli>(t_commit - t0).count();
      fanout[n].push_back(fr);
      swarm.close_all();
    }
  }

  // ---- 2. durable sends, 64 senders ---------------------------------------------
  std::vector<std::string> snd_tokens;
  for (const auto& [id, t] : snd) snd_tokens.push_back(t);
  std::string sink_body = json::serialize(
      json::object{{"resource_id", resource_id}, {"to", json::array{json::value("sink1")}}, {"note", "bench"}});
  std::vector<double> ours, fsync_us, pg;
  for (int r = 0; r < runs && part("durable"); ++r) {
    fsync_us.push_back(median(fsync_latencies_us(data, 1000)));
    ours.push_back(post_load(port, snd_tokens, "/v1/shares", sink_body, kSenders, 2, 3, 201).per_second);
    std::fprintf(stderr, "durable sends, run %d: %.0f/s (fsync ceiling %.0f/s)\n", r + 1, ours.back(),
                 1e6 / fsync_us.back());
    if (auto tps = pgbench_insert_tps(data + "/pgwork", kSenders, 3)) pg.push_back(*tps);
  }

  // ---- 3. memory per idle stream -----------------------------------------------
  long rss_before = server.rss_kib();
  std::size_t idle_online = 0;
  long rss_after = rss_before;
  if (part("idle")) {
    WsSwarm swarm;
    std::vector<std::string> tokens, queries;
    for (int i = 0; i < kIdleStreams; ++i) {
      int u = 1 + i % kFanUsers;
      tokens.push_back(fan_token["fan" + std::to_string(u)]);
      queries.push_back("?after=" + std::to_string(head[static_cast<std::size_t>(u)]));
    }
    idle_online = swarm.connect(port, tokens, queries, 256, std::chrono::seconds(180));
    std::this_thread::sleep_for(std::chrono::seconds(2));
    rss_after = server.rss_kib();
    swarm.close_all();
  }

  // ---- report ----------------------------------------------------------------------
  auto med = [](const std::vector<FanoutRun>& v, double FanoutRun::*f) {
    std::vector<double> x;
    for (const auto& r : v) x.push_back(r.*f);
    return median(x);
  };
  std::printf("msgcenter bench: fan-out and durable sends, data directory %s, %d runs, medians; open-file limit %lu\n",
              data.c_str(), runs, static_cast<unsigned long>(rl.rlim_cur));
  std::vector<Row> rows;
  for (int n : {1000, 10000}) {
    if (!part("fanout")) break;
    auto& v = fanout[n];
    std::string tag = "fan-out to " + std::to_string(n) + " online";
    rows.push_back({tag + ": deliveries/s", fmt(med(v, &FanoutRun::deliveries_per_s)), "", ""});
    rows.push_back({tag + ": p50 send->receipt", fmt(med(v, &FanoutRun::p50_ms), 1) + " ms", "", ""});
    double p99 = med(v, &FanoutRun::p99_ms);
    rows.push_back({tag + ": p99 send->receipt", fmt(p99, 1) + " ms", "target 250 ms", fmt(p99 / 250.0, 2) + "x"});
    rows.push_back({tag + ": share committed (2xx)", fmt(med(v, &FanoutRun::commit_ms), 1) + " ms", "", ""});
    rows.push_back({tag + ": delivered", fmt(med(v, &FanoutRun::delivered)) + " of " + std::to_string(n), "", ""});
  }
  if (part("durable")) {
    double ceiling = 1e6 / median(fsync_us);
    rows.push_back({"durable sends/s, 64 senders", fmt(median(ours)), fmt(ceiling) + " fsync/s",
                    fmt(median(ours) / ceiling, 2) + "x"});
    if (!pg.empty()) {
      rows.push_back({"durable sends/s, 64 senders", fmt(median(ours)), fmt(median(pg)) + " pgbench TPS",
                      fmt(median(ours) / median(pg), 2) + "x"});
    } else {
      rows.push_back({"durable sends/s, 64 senders", fmt(median(ours)), "pgbench n/a", ""});
    }
  }
  if (part("idle")) {
    double per_stream =
        idle_online ? static_cast<double>(rss_after - rss_before) / static_cast<double>(idle_online) : 0;
    rows.push_back({"server memory per idle stream (" + std::to_string(idle_online) + " streams)",
                    fmt(per_stream, 1) + " KiB", "target 16 KiB", fmt(per_stream / 16.0, 2) + "x"});
  }
  print_table("Fan-out, durable sends and idle streams", rows);
  std::printf(
      "\nreferences: fsync ceiling = one-at-a-time fdatasync of 200 B on the data disk; pgbench = PostgreSQL 15, "
      "fsync on, one-row INSERT per transaction, 64 clients, throwaway cluster on loopback.\n");
  return 0;
}
