// Durable shares per second through the real server (HTTP, auth, JSON,
// SQLite commit with fsync), with 1 and with 16 concurrent senders, beside
// the disk's own one-at-a-time fsync ceiling measured in the same run on the
// same data directory.
//
//   bench_shares --server-binary build/release/msgcenterd [--seconds 3] [--runs 3]
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
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

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd";
  double seconds = 3;
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--server-binary") binary = argv[i + 1];
    else if (a == "--seconds") seconds = std::stod(argv[i + 1]);
    else if (a == "--runs") runs = std::stoi(argv[i + 1]);
  }
  init_crypto();
  // The reference and the server must pay the same fsync.
  std::string data = fresh_data_dir("bench-data");

  add_user(binary, data, "studio", "studio-password", "provider");
  ServerProcess server(binary, data);
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
  json::value res = {{"type", "novel"}, {"title", "Bench"}, {"sha256", sha}};
  auto created = (*conn)->call("POST", "/v1/resources", &res);
  if (!created) throw std::runtime_error(created.error().message);
  std::string resource_id(created->at("resource").at("id").as_string());
  auto alice = client::login(**conn, "alice", "alice-password", "");
  if (!alice) throw std::runtime_error(alice.error().message);

  std::vector<double> fsync_medians, one, sixteen, one_p99, sixteen_p99;
  for (int r = 0; r < runs; ++r) {
    fsync_medians.push_back(median(fsync_latencies_us(data, 1000)));
    auto m1 = run_senders(server.url(), {alice->token}, resource_id, "bob", 1, seconds);
    auto m16 = run_senders(server.url(), {alice->token}, resource_id, "bob", 16, seconds);
    one.push_back(m1.per_second);
    sixteen.push_back(m16.per_second);
    one_p99.push_back(percentile(m1.latencies_us, 0.99));
    sixteen_p99.push_back(percentile(m16.latencies_us, 0.99));
  }
  double fsync_us = median(fsync_medians);
  double ceiling = 1e6 / fsync_us;
  std::printf("msgcenter bench: durable shares, data directory %s, %d runs of %.0f s each, medians\n", data.c_str(),
              runs, seconds);
  print_table("Durable shares through msgcenterd (HTTP + auth + JSON + SQLite commit with fsync), 1 recipient each",
              {
                  {"one durable commit (200 B append + fdatasync)", fmt(fsync_us, 1) + " us", "", ""},
                  {"shares/s, 1 sender", fmt(median(one)), fmt(ceiling) + " fsync/s",
                   fmt(median(one) / ceiling, 2) + "x"},
                  {"shares/s, 16 senders", fmt(median(sixteen)), fmt(ceiling) + " fsync/s",
                   fmt(median(sixteen) / ceiling, 2) + "x"},
                  {"p99 latency, 1 sender", fmt(median(one_p99) / 1000, 2) + " ms", "", ""},
                  {"p99 latency, 16 senders", fmt(median(sixteen_p99) / 1000, 2) + " ms", "", ""},
              });
  std::printf("\nreference: the fsync ceiling is what one-at-a-time durable commits could reach on this disk.\n");
  return 0;
}
