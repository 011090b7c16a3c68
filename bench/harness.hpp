// Benchmark harness: a real msgcenterd in a child process, the disk's own
// fsync cost as the reference, and a table printer. Every figure is a
// median over several runs, printed beside a reference measured in the same
// run, with the ratio.
#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace mc::client {
class MessageCenter;
}

namespace mc::bench {

class ServerProcess {
 public:
  // Starts `binary --listen 127.0.0.1:0 --data data_dir ...` and waits for
  // "listening on"; throws on failure. Its log (stderr) goes to `log_path`,
  // or nowhere.
  ServerProcess(const std::string& binary, const std::string& data_dir, const std::vector<std::string>& extra = {},
                const std::string& log_path = "");
  ~ServerProcess();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  long rss_kib() const;  // resident memory of the server now

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// build/NAME as an absolute path, emptied: on the project's disk, not /tmp
// (which may be memory), so that the server pays the disk's real fsync.
std::string fresh_data_dir(const std::string& name);

// Runs `binary --data data_dir user add NAME --role ROLE` with the password on stdin.
void add_user(const std::string& binary, const std::string& data_dir, const std::string& name,
              const std::string& password, const std::string& role);

// Latencies (microseconds) of `n` appends of 200 bytes each followed by
// fdatasync, in a file inside `dir`: one durable commit's physical cost.
std::vector<double> fsync_latencies_us(const std::string& dir, int n);

// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
int free_port();

// Runs one operation of the message center; throws with its error.
boost::json::object call(client::MessageCenter& mc, const char* op, boost::json::object req);

double median(std::vector<double> v);
double percentile(std::vector<double> v, double p);

struct Row {
  std::string work;
  std::string ours;
  std::string reference;
  std::string ratio;
};
struct Measured {
  double per_second = 0;
  std::vector<double> latencies_us;
};

// `senders` threads, each on its own keep-alive connection with
// tokens[i % tokens.size()], post shares of `resource_id` to `recipient` for
// `seconds`; every answer must be 201.
Measured run_senders(const std::string& url, const std::vector<std::string>& tokens, const std::string& resource_id,
                     const std::string& recipient, int senders, double seconds);

// "NETWORK_ID TOKEN" lines, as `msgcenterd user add-many --tokens-out` writes.
std::vector<std::pair<std::string, std::string>> read_tokens(const std::string& path);

void print_table(const std::string& title, const std::vector<Row>& rows);
std::string fmt(double v, int decimals = 0);

}  // namespace mc::bench
