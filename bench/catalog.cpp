// The catalog against nginx (docs/catalog.md "Downloads at nginx's speed"):
// - downloads: one 1 GiB file and 16 concurrent 100 MiB downloads, fetched by
//   curl from msgcenterd through a signed link and from nginx serving the
//   very same blob files (target: 0.9x);
// - pages: a catalog page and a search page, 64 keep-alive connections,
//   against nginx serving the same JSON bytes as a static file (target: 0.8x);
// - search latency over 100,000 resources (p50 / p99 through HTTP) against
//   the same FTS5 query run directly on the same database (target: p99 < 5 ms).
// Every figure is a median of alternated runs; nginx is Debian's, started
// here on a free port with sendfile on.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "client/api/message_center.hpp"
#include "client/connection.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/search/search_text.hpp"
#include "harness.hpp"
#include "http_load.hpp"
#include "sqlite/database.hpp"
#include "store/sqlite/sqlite_backend.hpp"

using namespace mc;
using namespace mc::bench;
namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string run_capture(const std::string& cmd) {
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (::pclose(p) != 0) throw std::runtime_error("failed: " + cmd);
  return out;
}

// Debian's nginx serving `root` on a free port, two workers (as msgcenterd's
// two I/O threads), sendfile on, no access log.
class Nginx {
 public:
  Nginx(const std::string& dir, const std::string& root) {
    port_ = free_port();
    fs::create_directories(dir + "/tmp");
    std::string conf = dir + "/nginx.conf";
    std::ofstream(conf) << (::geteuid() == 0 ? "user root;\n" : "") << "worker_processes 2;\ndaemon off;\n"
                        << "pid " << dir << "/nginx.pid;\nerror_log " << dir << "/error.log;\n"
                        << "events { worker_connections 4096; }\n"
                        << "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n"
                        << "  keepalive_requests 1000000;\n  default_type application/octet-stream;\n"
                        << "  types { application/json json; }\n"
                        << "  client_body_temp_path " << dir << "/tmp/body;\n"
                        << "  proxy_temp_path " << dir << "/tmp/proxy;\n  fastcgi_temp_path " << dir
                        << "/tmp/fastcgi;\n  uwsgi_temp_path " << dir << "/tmp/uwsgi;\n  scgi_temp_path " << dir
                        << "/tmp/scgi;\n"
                        << "  server { listen 127.0.0.1:" << port_ << "; root " << root << "; }\n}\n";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execlp("nginx", "nginx", "-c", conf.c_str(), "-p", dir.c_str(), static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (std::system(("curl -s -o /dev/null http://127.0.0.1:" + std::to_string(port_) + "/").c_str()) == 0) return;
    }
    throw std::runtime_error("nginx did not start; see " + dir + "/error.log");
  }
  ~Nginx() {
    ::kill(pid_, SIGQUIT);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_ = 0;
  pid_t pid_ = -1;
};

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// Bytes per second of one curl download of `url` to /dev/null.
double curl_rate(const std::string& url) {
  auto out = run_capture("curl -sf -o /dev/null -w '%{size_download} %{time_total}' '" + url + "'");
  double bytes = 0, seconds = 0;
  if (std::sscanf(out.c_str(), "%lf %lf", &bytes, &seconds) != 2 || seconds <= 0) {
    throw std::runtime_error("curl said: " + out);
  }
  return bytes / seconds;
}

// Bytes per second of `n` concurrent curl downloads of `url`, over the wall time of all.
double curl_rate_concurrent(const std::string& url, int n, double size) {
  auto t = Clock::now();
  std::string cmd =
      "bash -c 'for i in $(seq " + std::to_string(n) + "); do curl -sf -o /dev/null \"" + url + "\" & done; wait'";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("concurrent curl failed");
  return size * n / std::chrono::duration<double>(Clock::now() - t).count();
}

std::string make_file(const std::string& path, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  std::string chunk = random_bytes(1 << 20);
  for (std::size_t done = 0; done < size; done += chunk.size()) out.write(chunk.data(), chunk.size());
  return path;
}

// Titles from a vocabulary of made-up words, a tenth of them Chinese: each
// word names about a hundred resources, as a real catalog's words do.
std::vector<std::string> vocabulary(int n) {
  static const char* syllables[] = {"ka", "lo",  "mi",  "ren", "sa",  "to",  "vel", "dor", "an",  "ith",
                                    "ur", "bel", "cor", "fen", "gal", "hal", "ny",  "os",  "pra", "quin"};
  std::vector<std::string> out;
  std::uint32_t x = 7;
  for (int i = 0; i < n; ++i) {
    std::string w;
    for (int k = 0; k < 3; ++k) {
      x = x * 1103515245u + 12345u;
      w += syllables[(x >> 16) % 20];
    }
    out.push_back(w + std::to_string(i % 7));
  }
  return out;
}

std::string chinese_title(std::uint32_t x) {
  static const char* chars[] = {"海", "港", "灯", "塔", "船", "风", "雨", "山", "河", "城",
                                "夜", "梦", "星", "月", "花", "林", "路", "桥", "云", "雪"};
  std::string t;
  for (int i = 0; i < 6; ++i) t += chars[(x >> (i * 3)) % 20];
  return t;
}

// Fills the catalog with `n` resources through the store, before the server starts.
void seed_resources(const std::string& data, int n, const std::vector<std::string>& words) {
  auto backend = store::sqlite::SqliteBackend::open(data + "/msgcenter.db");
  if (!backend) throw std::runtime_error(backend.error().message);
  auto& catalog = (*backend)->catalog();
  auto provider = (*backend)->accounts().find_user("studio");
  if (!provider) throw std::runtime_error(provider.error().message);
  std::string sha = std::string(64, 'a');
  if (!catalog.put_blob(sha, 1000)) throw std::runtime_error("put_blob failed");
  std::uint32_t x = 99;
  bool failed = false;
  // Batches of 1,000 in a transaction each, as an import would.
  for (int start = 0; start < n && !failed; start += 1000) {
    std::vector<store::Resource> batch;
    for (int i = start; i < std::min(n, start + 1000); ++i) {
      store::Resource r;
      r.id = new_id("r_");
      r.type = i % 3 == 0 ? "novel" : (i % 3 == 1 ? "music" : "video");
      x = x * 1103515245u + 12345u;
      std::uint32_t y = x * 2654435761u;
      if (i % 10 == 0) {
        r.title = chinese_title(x);
      } else {
        for (int k = 0; k < 4; ++k) r.title += words[((x >> 16) + k * (y >> 8)) % words.size()] + " ";
      }
      r.tags = {words[y % words.size()]};
      r.description =
          "A " + r.type + " about " + words[(y >> 7) % words.size()] + " and " + words[(x >> 3) % words.size()] + ".";
      r.sha256 = sha;
      r.mime = "application/octet-stream";
      r.filename = "f";
      r.created_at = r.updated_at = now_ms();
      batch.push_back(std::move(r));
    }
    if (!catalog.create_resources(batch, provider->id)) failed = true;
  }
  if (failed) throw std::runtime_error("seeding failed");
  backend->reset();
  // After a bulk import, merge the text index's segments into one, as an
  // operator would (FTS5's 'optimize'); both sides below read the same index.
  auto db = sqlite::Database::open(data + "/msgcenter.db");
  if (!db || !(*db)->exec("INSERT INTO resource_text (resource_text) VALUES ('optimize')")) {
    throw std::runtime_error("optimize failed");
  }
}

std::string rate(double bytes_per_s) { return fmt(bytes_per_s / 1e9, 2) + " GB/s"; }

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd";
  int resources = 100000, runs = 3;
  double seconds = 5;
  std::string only;  // seed | downloads | pages | search: one part (the seed always runs)
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--server-binary") binary = argv[i + 1];
    else if (a == "--resources") resources = std::stoi(argv[i + 1]);
    else if (a == "--runs") runs = std::stoi(argv[i + 1]);
    else if (a == "--seconds") seconds = std::stod(argv[i + 1]);
    else if (a == "--only") only = argv[i + 1];
  }
  init_crypto();
  std::string data = fresh_data_dir("bench-catalog");
  add_user(binary, data, "studio", "studio-password", "provider");
  std::string tokens_file = data + "/tokens.txt";
  if (std::system(("echo reader-password | " + binary + " --data " + data + " user add-many reader 1 --tokens-out " +
                   tokens_file + " >/dev/null")
                      .c_str()) != 0) {
    throw std::runtime_error("user add-many failed");
  }
  std::string token = read_tokens(tokens_file).at(0).second;
  auto words = vocabulary(5000);
  auto t_seed = Clock::now();
  seed_resources(data, resources, words);
  std::printf("seeded %d resources in %.1f s\n", resources,
              std::chrono::duration<double>(Clock::now() - t_seed).count());
  if (only == "seed") return 0;

  ServerProcess server(binary, data);
  auto studio = client::MessageCenter::open({data + "/studio-home", server.url(), "bench"});
  if (!studio) throw std::runtime_error(studio.error().message);
  call(**studio, "login", {{"network_id", "studio"}, {"password", "studio-password"}});
  auto want = [&only](const char* part) { return only.empty() || only == part; };
  auto ratio = [](double ours, double ref) { return fmt(ours / ref, 2) + "x"; };
  std::string root = data + "/blobs";  // nginx serves the blob directory itself, and pages as files
  std::string auth = "-H 'Authorization: Bearer " + token + "' ";
  std::string page_target = "/v1/resources?type=novel&limit=20";
  std::string search_target = "/v1/resources?q=" + words[42] + "&limit=20";
  std::string page_bytes = run_capture("curl -sf " + auth + "'" + server.url() + page_target + "'");
  std::string search_bytes = run_capture("curl -sf " + auth + "'" + server.url() + search_target + "'");
  std::ofstream(root + "/page.json") << page_bytes;
  std::ofstream(root + "/search.json") << search_bytes;
  Nginx nginx(data + "/nginx", root);
  std::printf("medians of %d alternated runs; pages: 64 connections, 2 load threads, %.0f s each\n", runs, seconds);

  // Search and pages first: publishing the 1.1 GB the downloads need leaves the
  // disk busy writing it back for a while, which would show in their latencies.
  if (want("search")) {
    // One query at a time, each word once: through HTTP, and the same FTS5
    // query on the same database directly.
    auto conn = client::Connection::open(server.url(), token);
    if (!conn) throw std::runtime_error(conn.error().message);
    auto db = sqlite::Database::open(data + "/msgcenter.db");
    if (!db) throw std::runtime_error(db.error().message);
    std::vector<double> http_ms, direct_ms;
    for (int i = 0; i < 1000; ++i) {
      const std::string& w = words[(static_cast<std::size_t>(i) * 7 + 1000) % words.size()];
      auto t = Clock::now();
      auto answer = (*conn)->call("GET", "/v1/resources?q=" + w + "&limit=20");
      if (!answer) throw std::runtime_error(answer.error().message);
      http_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
      auto parsed = search::parse_query(w);
      t = Clock::now();
      auto st = (*db)->prepare(
          "SELECT r.id FROM resource_text JOIN resources r ON r.position = resource_text.rowid "
          "WHERE resource_text MATCH ? AND r.unpublished_at IS NULL "
          "ORDER BY bm25(resource_text, 10.0, 3.0, 1.0), r.position DESC LIMIT 10000");
      if (!st) throw std::runtime_error(st.error().message);
      st->bind(1, search::fts5_match(*parsed));
      for (;;) {
        auto row = st->step();
        if (!row) throw std::runtime_error(row.error().message);
        if (!*row) break;
      }
      direct_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    }
    print_table("Search over " + std::to_string(resources) +
                    " resources, 1,000 different words one at a time (p50 / p99; goal p99 < 5 ms)",
                {{"GET /v1/resources?q=WORD through HTTP, against the same FTS5 query run directly",
                  fmt(median(http_ms), 2) + " / " + fmt(percentile(http_ms, 99), 2) + " ms",
                  fmt(median(direct_ms), 2) + " / " + fmt(percentile(direct_ms, 99), 2) + " ms",
                  ratio(percentile(http_ms, 99), percentile(direct_ms, 99))}});
  }
  if (want("pages")) {
    std::vector<double> page_ours, page_ref, search_ours, search_ref, page_p99, page_ref_p99;
    for (int i = 0; i < runs; ++i) {
      auto a = get_load(port_of(server.url()), token, page_target, 64, 2, seconds);
      auto b = get_load(nginx.port(), "", "/page.json", 64, 2, seconds);
      auto c = get_load(port_of(server.url()), token, search_target, 64, 2, seconds);
      auto d = get_load(nginx.port(), "", "/search.json", 64, 2, seconds);
      page_ours.push_back(a.per_second);
      page_ref.push_back(b.per_second);
      page_p99.push_back(percentile(a.latencies_us, 99) / 1000);
      page_ref_p99.push_back(percentile(b.latencies_us, 99) / 1000);
      search_ours.push_back(c.per_second);
      search_ref.push_back(d.per_second);
    }
    print_table("Pages: msgcenterd against nginx serving the same JSON bytes as a file (goal 0.8x)",
                {{"catalog page (" + std::to_string(page_bytes.size()) + " B), req/s",
                  fmt(median(page_ours)) + " (p99 " + fmt(median(page_p99), 1) + " ms)",
                  fmt(median(page_ref)) + " (p99 " + fmt(median(page_ref_p99), 1) + " ms)",
                  ratio(median(page_ours), median(page_ref))},
                 {"search page (" + std::to_string(search_bytes.size()) + " B), req/s", fmt(median(search_ours)),
                  fmt(median(search_ref)), ratio(median(search_ours), median(search_ref))}});
  }

  if (want("downloads")) {
    const std::size_t big = 1ull << 30, medium = 100ull << 20;
    auto publish = [&](const std::string& path, std::size_t size, const char* title) {
      auto r = call(**studio, "publish", {{"path", make_file(path, size)}, {"type", "video"}, {"title", title}});
      fs::remove(path);
      return std::make_pair(json::value_to<std::string>(r.at("id")), json::value_to<std::string>(r.at("sha256")));
    };
    auto [big_id, big_sha] = publish(data + "/big.bin", big, "One gigabyte");
    auto [medium_id, medium_sha] = publish(data + "/medium.bin", medium, "A hundred megabytes");
    auto link_of = [&](const std::string& id) {
      return json::value_to<std::string>(call(**studio, "link", {{"id", id}}).at("url"));
    };
    auto blob_url = [&](const std::string& sha) { return nginx.url() + "/" + sha.substr(0, 2) + "/" + sha; };
    std::string big_link = link_of(big_id), medium_link = link_of(medium_id);
    std::string big_ref = blob_url(big_sha), medium_ref = blob_url(medium_sha);
    std::vector<double> one_ours, one_ref, many_ours, many_ref;
    curl_rate(big_link);  // warm the page cache for both: the same file
    for (int i = 0; i < runs; ++i) {
      one_ours.push_back(curl_rate(big_link));
      one_ref.push_back(curl_rate(big_ref));
      many_ref.push_back(curl_rate_concurrent(medium_ref, 16, static_cast<double>(medium)));
      many_ours.push_back(curl_rate_concurrent(medium_link, 16, static_cast<double>(medium)));
    }
    print_table("Downloads: msgcenterd through a signed link against nginx on the same blob files (curl; goal 0.9x)",
                {{"one 1 GiB download", rate(median(one_ours)), rate(median(one_ref)),
                  ratio(median(one_ours), median(one_ref))},
                 {"16 concurrent 100 MiB downloads, in all", rate(median(many_ours)), rate(median(many_ref)),
                  ratio(median(many_ours), median(many_ref))}});
  }

  return 0;
}
