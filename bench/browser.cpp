// The built-in browser against the terminal browsers people compare it to:
// the page corpus of the unit tests (tests/corpus/web), rendered to text by
// our html_to_view + render_text, by `w3m -dump` and by `lynx -dump`, in
// the same run. Two measures, medians over --runs:
//   per page:  each page opened as a user opens it (w3m and lynx start a
//              process per page, as `w3m -dump` does; ours runs in process,
//              as msgc does after its download);
//   bulk:      the corpus's UTF-8 pages concatenated to about 8 MB, one
//              document, so that process start-up is noise and only
//              parsing and layout count.
//
//   bench_browser [--corpus DIR] [--runs 5]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/browser/html_view.hpp"
#include "client/view/render_text.hpp"
#include "harness.hpp"

extern char** environ;

using namespace mc;
using namespace mc::bench;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct PageFile {
  std::string path;
  std::string bytes;
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Runs a tool with stdout to /dev/null; returns its wall time.
double run_tool(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  auto t = Clock::now();
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot run " + args[0] + " (scripts/install-deps installs w3m and lynx)");
  }
  int status = 0;
  waitpid(pid, &status, 0);
  posix_spawn_file_actions_destroy(&fa);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(args[0] + " failed");
  return seconds_since(t);
}

std::size_t ours(const std::string& bytes) {
  client::Page p;
  p.bytes = bytes;
  p.url = "http://127.0.0.1:8080/v1/resources/r_page/content";
  auto v = client::html_to_view(p);
  if (!v) throw std::runtime_error(v.error().message);
  return client::render_text(*v, 80).size();
}

std::vector<std::string> w3m(const std::string& path) {
  return {"w3m", "-dump", "-T", "text/html", "-cols", "80", path};
}
std::vector<std::string> lynx(const std::string& path) {
  return {"lynx", "-dump", "-force_html", "-width=80", "-nolist", path};
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = "tests/corpus/web";
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--corpus") corpus = argv[i + 1];
    else if (a == "--runs") runs = std::stoi(argv[i + 1]);
  }
  std::vector<PageFile> pages;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (e.path().extension() != ".html") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    pages.push_back({e.path().string(), ss.str()});
  }
  std::sort(pages.begin(), pages.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  if (pages.empty()) throw std::runtime_error("no pages under " + corpus);
  double corpus_mb = 0;
  for (const auto& p : pages) corpus_mb += p.bytes.size() / 1e6;

  // One document of the UTF-8 pages, repeated to about 8 MB.
  std::string bulk;
  while (bulk.size() < 8u << 20) {
    for (const auto& p : pages) {
      if (p.path.find(".gbk.") == std::string::npos && p.path.find(".big5.") == std::string::npos) bulk += p.bytes;
    }
  }
  std::string bulk_path = fs::absolute("build/bench-browser-bulk.html").string();
  std::ofstream(bulk_path, std::ios::binary) << bulk;
  double bulk_mb = bulk.size() / 1e6;

  std::vector<double> ours_page, w3m_page, lynx_page, ours_bulk, w3m_bulk, lynx_bulk;
  std::size_t sink = 0;
  for (int r = 0; r < runs; ++r) {
    // Ours repeats the corpus for a measurable time; per page is total / n.
    int reps = 20;
    auto t = Clock::now();
    for (int k = 0; k < reps; ++k)
      for (const auto& p : pages) sink += ours(p.bytes);
    ours_page.push_back(seconds_since(t) / (reps * pages.size()));
    double w = 0, l = 0;
    for (const auto& p : pages) w += run_tool(w3m(p.path)), l += run_tool(lynx(p.path));
    w3m_page.push_back(w / pages.size());
    lynx_page.push_back(l / pages.size());

    t = Clock::now();
    sink += ours(bulk);
    ours_bulk.push_back(seconds_since(t));
    w3m_bulk.push_back(run_tool(w3m(bulk_path)));
    lynx_bulk.push_back(run_tool(lynx(bulk_path)));
  }
  fs::remove(bulk_path);

  double op = median(ours_page), wp = median(w3m_page), lp = median(lynx_page);
  double ob = median(ours_bulk), wb = median(w3m_bulk), lb = median(lynx_bulk);
  std::printf("corpus: %zu pages, %.2f MB; bulk document %.1f MB; medians of %d runs (checksum %zu)\n", pages.size(),
              corpus_mb, bulk_mb, runs, sink % 10);
  auto pps = [](double s) { return fmt(1 / s) + " pages/s"; };
  auto mbs = [](double mb, double s) { return fmt(mb / s, 1) + " MB/s"; };
  double page_mb = corpus_mb / pages.size();
  print_table("Rendering pages to text (per page, as opened)",
              {{"ours vs w3m -dump", pps(op), pps(wp), fmt(wp / op, 1) + "x"},
               {"ours vs lynx -dump", pps(op), pps(lp), fmt(lp / op, 1) + "x"},
               {"ours vs w3m -dump (MB/s)", mbs(page_mb, op), mbs(page_mb, wp), fmt(wp / op, 1) + "x"}});
  print_table("Rendering one large document (parsing and layout only)",
              {{"ours vs w3m -dump", mbs(bulk_mb, ob), mbs(bulk_mb, wb), fmt(wb / ob, 1) + "x"},
               {"ours vs lynx -dump", mbs(bulk_mb, ob), mbs(bulk_mb, lb), fmt(lb / ob, 1) + "x"}});
  return 0;
}
