#include "postgres_reference.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

namespace mc::bench {

namespace fs = std::filesystem;

namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

// Runs a shell command (as the postgres user when we are root: PostgreSQL
// refuses to run as root) and returns its output, or nullopt on failure.
std::optional<std::string> run(const std::string& cmd) {
  std::string full = (geteuid() == 0 ? "runuser -u postgres -- " : "") + cmd + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (pclose(p) != 0) {
    std::fprintf(stderr, "postgres reference: '%s' failed:\n%s\n", cmd.c_str(), out.c_str());
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<double> pgbench_insert_tps(const std::string& work_dir, int clients, int seconds) {
  if (!fs::exists(std::string(kBin) + "pgbench")) {
    std::fprintf(stderr, "postgres reference: PostgreSQL 15 is not installed (scripts/install-deps installs it)\n");
    return std::nullopt;
  }
  std::string dir = work_dir + "/pg";
  std::optional<double> tps;
  // Ports below the ephemeral range (32768 and up here), where thousands of
  // just-closed benchmark connections linger; a second port if one is taken.
  for (int attempt = 0; attempt < 3 && !tps; ++attempt) {
    int port = 20000 + static_cast<int>((getpid() * 7 + attempt * 1231) % 10000);
    std::string conn = " -h 127.0.0.1 -p " + std::to_string(port) + " -U postgres ";
    fs::remove_all(dir);
    fs::create_directories(dir);
    if (geteuid() == 0 && std::system(("chown -R postgres: '" + work_dir + "'").c_str()) != 0) return std::nullopt;
    if (!run(std::string(kBin) + "initdb -D '" + dir + "' -A trust -U postgres")) continue;
    if (!run(std::string(kBin) + "pg_ctl -D '" + dir + "' -l '" + dir + "/log' -w -o \"-p " + std::to_string(port) +
             " -k '" + dir +
             "' -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on "
             "-c max_connections=200\" start")) {
      continue;
    }
    std::ofstream(work_dir + "/insert.sql") << "INSERT INTO t (payload) VALUES (repeat('x', 200));\n";
    if (run(std::string(kBin) + "psql" + conn +
            "-c 'CREATE TABLE t (id bigserial PRIMARY KEY, payload text)' postgres")) {
      if (auto out = run(std::string(kBin) + "pgbench" + conn + "-n -c " + std::to_string(clients) + " -j 2 -T " +
                         std::to_string(seconds) + " -f '" + work_dir + "/insert.sql' postgres")) {
        std::smatch m;
        if (std::regex_search(*out, m, std::regex("tps = ([0-9.]+)"))) tps = std::stod(m[1].str());
      }
    }
    run(std::string(kBin) + "pg_ctl -D '" + dir + "' -m fast -w stop");
  }
  fs::remove_all(dir);
  return tps;
}

}  // namespace mc::bench
