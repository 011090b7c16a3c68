// Durable shares per second through the store alone (no HTTP, no JSON, no
// auth): 64 threads call the SQLite backend's DeliveryStore::create_share, beside the disk's
// one-at-a-time fsync ceiling. Says how much of the server's budget the
// single writer takes, so the HTTP figure in bench_fanout can be read.
//
//   bench_store_writes [--seconds 3] [--runs 3] [--threads 64]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "harness.hpp"
#include "store/sqlite/engine.hpp"
#include "store/sqlite/sqlite_backend.hpp"

using namespace mc;
using namespace mc::bench;

int main(int argc, char** argv) {
  double seconds = 3;
  int runs = 3, threads = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--seconds") seconds = std::stod(argv[i + 1]);
    else if (a == "--runs") runs = std::stoi(argv[i + 1]);
    else if (a == "--threads") threads = std::stoi(argv[i + 1]);
  }
  init_crypto();
  std::string data = std::filesystem::absolute("build/bench-store").string();
  std::filesystem::remove_all(data);
  std::filesystem::create_directories(data);
  auto opened = store::sqlite::SqliteBackend::open(data + "/msgcenter.db");
  if (!opened) throw std::runtime_error(opened.error().message);
  auto& backend = **opened;
  auto& accounts = backend.accounts();
  auto& catalog = backend.catalog();
  auto& delivery = backend.delivery();
  auto prov = accounts.create_user("studio", "h", Role::kProvider);
  auto alice = accounts.create_user("alice", "h", Role::kUser);
  auto bob = accounts.create_user("bob", "h", Role::kUser);
  if (!prov || !alice || !bob) throw std::runtime_error("users");
  std::string sha = to_hex(random_bytes(32));
  (void)catalog.put_blob(sha, 42);
  store::Resource r;
  r.id = new_id("r_");
  r.type = "novel";
  r.title = "Bench";
  r.sha256 = sha;
  r.mime = "text/plain";
  r.filename = "f.txt";
  r.created_at = now_ms();
  if (!catalog.create_resource(r, prov->id)) throw std::runtime_error("resource");

  std::vector<double> fsync_us, ours;
  for (int run = 0; run < runs; ++run) {
    fsync_us.push_back(median(fsync_latencies_us(data, 1000)));
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> done{0};
    std::vector<std::thread> ts;
    auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        while (!stop.load()) {
          store::NewShare s;
          s.id = new_id("s_");
          s.sender_id = alice->id;
          s.resource_id = r.id;
          s.note = "bench";
          s.recipient_ids = {bob->id};
          s.client_id = new_id("c_");
          s.created_at = now_ms();
          if (delivery.create_share(s)) done.fetch_add(1);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : ts) t.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ours.push_back(static_cast<double>(done.load()) / secs);
  }
  double ceiling = 1e6 / median(fsync_us);
  std::printf("store-only durable shares: %d threads, %d runs of %.0f s, medians\n", threads, runs, seconds);
  print_table("Durable shares through DeliveryStore::create_share on SQLite (no HTTP)",
              {{"durable shares/s", fmt(median(ours)), fmt(ceiling) + " fsync/s",
                fmt(median(ours) / ceiling, 2) + "x"}});
  std::printf("groups %llu, jobs %llu\n", (unsigned long long)backend.engine().write_groups(),
              (unsigned long long)backend.engine().write_jobs());
}
