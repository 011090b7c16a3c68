// The tier on one machine: durable shares with 64 senders, and fan-out to
// 10,000 online recipients, on 1, 2 and 3 msgcenterd nodes over one
// PostgreSQL and one NATS, beside the single SQLite node and beside
// pgbench's bare one-row INSERT rate, all in one run.
//
//   bench_cluster [--server-binary build/release/msgcenterd] [--seconds 3]
//
// Two cores carry everything here: the nodes, PostgreSQL, NATS and the load
// generators. More nodes cannot add CPU; what this shows is the cost of the
// tier (PostgreSQL commits instead of SQLite's group commit, NATS signals
// and store reads instead of in-process hints) and that it stays correct
// under load. docs/performance.md reasons from it to separate machines.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
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
namespace fs = std::filesystem;

namespace {

constexpr int kFanUsers = 10000;
constexpr int kSenders = 64;

void run_cmd(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

struct ConfigResult {
  std::string config;
  double durable_per_s = 0;         // 64 senders, one recipient: every send locks the same inbox head
  double durable_spread_per_s = 0;  // 64 senders, each to a recipient of its own
  double fan_p99_ms = 0;
  double fan_commit_ms = 0;
  double delivered = 0;
};

// One configuration: `nodes` servers with `store_args` (empty: SQLite).
ConfigResult run_config(const std::string& binary, const std::string& name, const std::string& dir, int nodes,
                        const std::vector<std::string>& store_args, double seconds) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string admin = "'" + binary + "' --data '" + dir + "/node0'";
  for (const auto& a : store_args) admin += " '" + a + "'";
  run_cmd("echo studio-password | " + admin + " user add studio --role provider >/dev/null");
  run_cmd("echo fan-password | " + admin + " user add-many fan " + std::to_string(kFanUsers) + " --tokens-out '" + dir +
          "/fan.tokens' >/dev/null");
  run_cmd("echo snd-password | " + admin + " user add-many snd " + std::to_string(kSenders) + " --tokens-out '" + dir +
          "/snd.tokens' >/dev/null");
  run_cmd("echo sink-password | " + admin + " user add-many sink 1 >/dev/null");
  std::vector<std::unique_ptr<ServerProcess>> servers;
  std::vector<int> ports;
  for (int i = 0; i < nodes; ++i) {
    servers.push_back(std::make_unique<ServerProcess>(binary, dir + "/node" + std::to_string(i), store_args));
    ports.push_back(std::stoi(servers.back()->url().substr(servers.back()->url().rfind(':') + 1)));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // NATS connections up
  auto conn = client::Connection::open(servers[0]->url());
  if (!conn || !client::login(**conn, "studio", "studio-password", "")) throw std::runtime_error("login failed");
  auto up = (*conn)->http().request("POST", "/v1/blobs", "a song for the tier", (*conn)->auth_headers());
  if (!up || up->status != 201) throw std::runtime_error("blob upload failed");
  json::value res = {{"type", "music"}, {"title", "Tier"}, {"sha256", json::parse(up->body).at("sha256")}};
  auto created = (*conn)->call("POST", "/v1/resources", &res);
  if (!created) throw std::runtime_error(created.error().message);
  std::string resource_id(created->at("resource").at("id").as_string());
  auto fan = read_tokens(dir + "/fan.tokens");
  auto snd = read_tokens(dir + "/snd.tokens");
  ConfigResult r;
  r.config = name;

  // Fan-out: the 10,000 streams spread over the nodes; the share on node 0.
  {
    std::vector<std::unique_ptr<WsSwarm>> swarms;
    json::array to;
    for (int n = 0; n < nodes; ++n) {
      std::vector<std::string> tokens, queries;
      for (std::size_t i = static_cast<std::size_t>(n); i < fan.size(); i += static_cast<std::size_t>(nodes)) {
        tokens.push_back(fan[i].second);
        queries.push_back("?after=0");
      }
      swarms.push_back(std::make_unique<WsSwarm>());
      swarms.back()->connect(ports[static_cast<std::size_t>(n)], tokens, queries, 256, std::chrono::seconds(120));
    }
    for (const auto& [id, t] : fan) to.emplace_back(id);
    std::string body = json::serialize(json::object{{"resource_id", resource_id}, {"to", to}, {"note", "tier"}});
    auto sender = client::Connection::open(servers[0]->url(), snd.front().second);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (auto& s : swarms) s->arm();
    auto t0 = Clock::now();
    auto reply = (*sender)->http().request("POST", "/v1/shares", body, (*sender)->auth_headers());
    r.fan_commit_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!reply || reply->status != 201) throw std::runtime_error("fan-out share failed");
    std::vector<double> lat;
    for (auto& s : swarms) {
      for (auto t : s->wait_items(std::chrono::seconds(60))) {
        lat.push_back(std::chrono::duration<double, std::milli>(t - t0).count());
      }
      s->close_all();
    }
    r.delivered = static_cast<double>(lat.size());
    r.fan_p99_ms = percentile(lat, 0.99);
  }

  // Durable sends: 64 keep-alive senders spread over the nodes, together;
  // first all to one recipient, then each to a recipient of its own.
  {
    std::vector<std::string> tokens;
    for (const auto& [id, t] : snd) tokens.push_back(t);
    std::string one = json::serialize(
        json::object{{"resource_id", resource_id}, {"to", json::array{json::value("sink1")}}, {"note", "bench"}});
    for (bool spread : {false, true}) {
      std::vector<double> rates(static_cast<std::size_t>(nodes), 0);
      std::vector<std::thread> ts;
      std::size_t first = 0;
      for (int n = 0; n < nodes; ++n) {
        std::size_t connections = static_cast<std::size_t>(kSenders / nodes + (n < kSenders % nodes ? 1 : 0));
        std::vector<std::string> node_tokens(tokens.begin() + static_cast<std::ptrdiff_t>(first),
                                             tokens.begin() + static_cast<std::ptrdiff_t>(first + connections));
        std::vector<std::string> bodies;
        for (std::size_t k = 0; k < connections; ++k) {
          std::string to = spread ? fan[first + k].first : "sink1";
          bodies.push_back(spread ? json::serialize(json::object{{"resource_id", resource_id},
                                                                 {"to", json::array{json::value(to)}},
                                                                 {"note", "bench"}})
                                  : one);
        }
        first += connections;
        ts.emplace_back([&rates, &ports, n, nodes, node_tokens, bodies, connections, seconds] {
          int threads = nodes == 1 ? 2 : 1;
          rates[static_cast<std::size_t>(n)] =
              post_load_each(ports[static_cast<std::size_t>(n)], node_tokens, "/v1/shares", bodies,
                             static_cast<int>(connections), threads, seconds, 201)
                  .per_second;
        });
      }
      for (auto& t : ts) t.join();
      double total = 0;
      for (double x : rates) total += x;
      (spread ? r.durable_spread_per_s : r.durable_per_s) = total;
    }
  }
  std::fprintf(stderr,
               "%s: %.0f / %.0f durable sends/s (1 / 64 recipients), 10k fan-out p99 %.1f ms (%.0f delivered)\n",
               name.c_str(), r.durable_per_s, r.durable_spread_per_s, r.fan_p99_ms, r.delivered);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd";
  double seconds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--server-binary") binary = argv[i + 1];
    else if (a == "--seconds") seconds = std::stod(argv[i + 1]);
  }
  init_crypto();
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  binary = fs::absolute(binary).string();
  std::string root = fs::absolute("build/bench-cluster").string();
  fs::remove_all(root);
  fs::create_directories(root);

  // One PostgreSQL and one NATS for the whole run.
  run_cmd("bash scripts/test-postgres start '" + root + "/pg' >/dev/null");
  std::string pg_url = read_line(root + "/pg/url");
  int nats_port = free_port();
  run_cmd("nats-server -a 127.0.0.1 -p " + std::to_string(nats_port) + " -P '" + root + "/nats.pid' >'" + root +
          "/nats.log' 2>&1 &");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::string nats_url = "nats://127.0.0.1:" + std::to_string(nats_port);

  std::vector<ConfigResult> results;
  try {
    results.push_back(run_config(binary, "1 node, SQLite", root + "/sqlite", 1, {}, seconds));
    for (int nodes : {1, 2, 3}) {
      std::string db = "bench" + std::to_string(nodes);
      run_cmd("/usr/lib/postgresql/15/bin/psql '" + pg_url + "' -q -c 'CREATE DATABASE " + db + "'");
      std::string url = pg_url.substr(0, pg_url.rfind('/')) + "/" + db;
      std::string dir = root + "/pg" + std::to_string(nodes) + "-nodes";
      results.push_back(run_config(binary, std::to_string(nodes) + (nodes == 1 ? " node" : " nodes") + ", PostgreSQL",
                                   dir, nodes, {"--store", url, "--blobs", dir + "/blobs", "--nats", nats_url},
                                   seconds));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_cluster: %s\n", e.what());
  }
  run_cmd("kill $(cat '" + root + "/nats.pid') 2>/dev/null || true");
  run_cmd("bash scripts/test-postgres stop '" + root + "/pg' >/dev/null");
  auto pg = pgbench_insert_tps(root + "/pgwork", kSenders, static_cast<int>(seconds));

  std::vector<Row> rows;
  for (const auto& r : results) {
    std::string ref = pg ? fmt(*pg) + " pgbench TPS" : "pgbench n/a";
    std::string ratio = pg ? fmt(r.durable_per_s / *pg, 2) + "x" : "";
    rows.push_back({r.config + ": durable sends/s, 64 senders to 1 user", fmt(r.durable_per_s), ref, ratio});
    rows.push_back({r.config + ": durable sends/s, 64 senders to 64 users", fmt(r.durable_spread_per_s), ref,
                    pg ? fmt(r.durable_spread_per_s / *pg, 2) + "x" : ""});
    rows.push_back({r.config + ": 10k fan-out p99", fmt(r.fan_p99_ms, 1) + " ms", "target 250 ms",
                    fmt(r.fan_p99_ms / 250.0, 2) + "x"});
    rows.push_back({r.config + ": 10k fan-out committed (2xx)", fmt(r.fan_commit_ms, 1) + " ms", "", ""});
    rows.push_back({r.config + ": delivered", fmt(r.delivered) + " of " + std::to_string(kFanUsers), "", ""});
  }
  std::printf("msgcenter bench: the tier on one 2-core machine, %.0f s of sends per configuration, one run each\n",
              seconds);
  print_table("Nodes over PostgreSQL and NATS, beside one SQLite node and bare pgbench", rows);
  std::printf(
      "\nreferences: pgbench = PostgreSQL 15, fsync on, one-row INSERT per transaction, 64 clients, on this machine. "
      "Everything shares the same two cores: more nodes add no CPU here.\n");
  return results.size() == 4 ? 0 : 1;
}
