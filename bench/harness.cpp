#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "client/api/message_center.hpp"
#include "client/connection.hpp"

namespace mc::bench {

ServerProcess::ServerProcess(const std::string& binary, const std::string& data_dir,
                             const std::vector<std::string>& extra, const std::string& log_path) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    int log =
        log_path.empty() ? open("/dev/null", O_WRONLY) : open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, STDERR_FILENO);
    close(out[0]);
    std::vector<std::string> args = {binary, "--listen", "127.0.0.1:0", "--data", data_dir, "--log-level", "warn"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[512];
  std::regex re("listening on http://127\\.0\\.0\\.1:(\\d+)");
  while (fgets(line, sizeof line, f)) {
    std::cmatch m;
    if (std::regex_search(line, m, re)) {
      port_ = std::stoi(m[1].str());
      break;
    }
  }
  if (port_ == 0) throw std::runtime_error("msgcenterd did not start: " + binary);
  // Leave the pipe open: the server prints nothing more on stdout after this.
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int st = 0;
    waitpid(pid_, &st, 0);
  }
}

long ServerProcess::rss_kib() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string fresh_data_dir(const std::string& name) {
  std::string dir = std::filesystem::absolute("build/" + name).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void add_user(const std::string& binary, const std::string& data_dir, const std::string& name,
              const std::string& password, const std::string& role) {
  std::string cmd = "'" + binary + "' --data '" + data_dir + "' user add " + name + " --role " + role + " >/dev/null";
  FILE* p = popen(cmd.c_str(), "w");
  if (!p) throw std::runtime_error("cannot run " + binary);
  std::fprintf(p, "%s\n", password.c_str());
  if (pclose(p) != 0) throw std::runtime_error("user add failed for " + name);
}

std::vector<double> fsync_latencies_us(const std::string& dir, int n) {
  std::string path = dir + "/fsync-probe";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  std::string rec(200, 'x');
  std::vector<double> lat;
  lat.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    if (write(fd, rec.data(), rec.size()) != static_cast<ssize_t>(rec.size()) || fdatasync(fd) != 0) {
      close(fd);
      throw std::runtime_error("write/fdatasync failed");
    }
    lat.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  close(fd);
  unlink(path.c_str());
  return lat;
}

Measured run_senders(const std::string& url, const std::vector<std::string>& tokens, const std::string& resource_id,
                     const std::string& recipient, int senders, double seconds) {
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(senders));
  std::vector<long> done(static_cast<std::size_t>(senders), 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < senders; ++i) {
    threads.emplace_back([&, i] {
      auto conn = client::Connection::open(url, tokens[static_cast<std::size_t>(i) % tokens.size()]);
      if (!conn) return;
      std::string body = boost::json::serialize(boost::json::object{
          {"resource_id", resource_id}, {"to", boost::json::array{boost::json::value(recipient)}}, {"note", "bench"}});
      auto h = (*conn)->auth_headers();
      while (!go) std::this_thread::yield();
      while (!stop) {
        auto t0 = std::chrono::steady_clock::now();
        auto r = (*conn)->http().request("POST", "/v1/shares", body, h);
        if (!r || r->status != 201) {
          std::fprintf(stderr, "share failed: %s\n", r ? r->body.c_str() : r.error().message.c_str());
          return;
        }
        lat[static_cast<std::size_t>(i)].push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
        ++done[static_cast<std::size_t>(i)];
      }
    });
  }
  auto t0 = std::chrono::steady_clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Measured m;
  long total = 0;
  for (std::size_t i = 0; i < lat.size(); ++i) {
    total += done[i];
    m.latencies_us.insert(m.latencies_us.end(), lat[i].begin(), lat[i].end());
  }
  m.per_second = static_cast<double>(total) / elapsed;
  return m;
}

std::vector<std::pair<std::string, std::string>> read_tokens(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(path);
  std::string id, token;
  while (in >> id >> token) out.emplace_back(id, token);
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("no free port");
  }
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

boost::json::object call(client::MessageCenter& mc, const char* op, boost::json::object req) {
  auto a = mc.call(op, req);
  if (!a) throw std::runtime_error(std::string(op) + " failed: " + a.error().message);
  return *a;
}

double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void print_table(const std::string& title, const std::vector<Row>& rows) {
  std::size_t w[4] = {4, 4, 9, 5};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.work.size());
    w[1] = std::max(w[1], r.ours.size());
    w[2] = std::max(w[2], r.reference.size());
    w[3] = std::max(w[3], r.ratio.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::printf("| %-*s | %*s | %*s | %*s |\n", static_cast<int>(w[0]), a.c_str(), static_cast<int>(w[1]), b.c_str(),
                static_cast<int>(w[2]), c.c_str(), static_cast<int>(w[3]), d.c_str());
  };
  std::printf("\n%s\n", title.c_str());
  line("work", "ours", "reference", "ratio");
  std::printf("|%s|%s|%s|%s|\n", std::string(w[0] + 2, '-').c_str(), std::string(w[1] + 2, '-').c_str(),
              std::string(w[2] + 2, '-').c_str(), std::string(w[3] + 2, '-').c_str());
  for (const auto& r : rows) line(r.work, r.ours, r.reference, r.ratio);
  std::fflush(stdout);
}

}  // namespace mc::bench
