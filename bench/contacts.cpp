// Address-book matching (docs/protocol.md "Address-book matching") against
// bare libsodium on this machine, the ceiling:
// - the server's evaluations per second through HTTP (POST
//   /v1/contacts/evaluate, 100 points a request, 4 keep-alive connections),
//   against crypto_scalarmult_ristretto255 run bare on 1 and on 2 threads;
// - one import of an address book of 1,000 contacts (1,500 numbers and
//   addresses, 100 of them users') end to end through libmsgcenter (read,
//   normalise, blind, evaluate, unblind, directory, match), against the bare
//   scalar multiplications the OPRF needs for it (three per identifier:
//   blind, evaluate, unblind).
// Every figure is a median of `--runs` runs.
#include <sodium.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "client/api/message_center.hpp"
#include "core/contacts/oprf.hpp"
#include "core/random.hpp"
#include "harness.hpp"
#include "http_load.hpp"

using namespace mc;
using namespace mc::bench;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace oprf = mc::contacts::oprf;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Scalar multiplications a second, on `threads` threads at once.
double bare_scalarmults_per_second(int threads, int per_thread) {
  auto work = [per_thread] {
    unsigned char k[crypto_core_ristretto255_SCALARBYTES], p[crypto_core_ristretto255_BYTES],
        q[crypto_core_ristretto255_BYTES];
    crypto_core_ristretto255_scalar_random(k);
    crypto_core_ristretto255_random(p);
    for (int i = 0; i < per_thread; ++i) {
      if (crypto_scalarmult_ristretto255(q, k, p) != 0) throw std::runtime_error("scalarmult failed");
      p[0] ^= 0;  // the same point again: the cost does not depend on it
    }
  };
  auto t = Clock::now();
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; ++i) ts.emplace_back(work);
  for (auto& th : ts) th.join();
  return threads * per_thread / seconds_since(t);
}

// A possible US number, distinct for each i.
std::string us_number(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+1 (212) %03d-%04d", 200 + i / 10000, i % 10000);
  return buf;
}

std::string last_code(const std::string& log_path) {
  std::ifstream in(log_path);
  std::string line, code;
  std::regex re("code=(\\d{6})");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, re)) code = m[1];
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/release/msgcenterd";
  int runs = 3;
  double seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--server-binary") binary = argv[i + 1];
    else if (a == "--runs") runs = std::stoi(argv[i + 1]);
    else if (a == "--seconds") seconds = std::stod(argv[i + 1]);
  }
  init_crypto();
  std::string data = fresh_data_dir("bench-contacts");
  std::string log = data + "/../bench-contacts.log";
  fs::remove(log);
  const std::string unlimited = "1000000000";
  ServerProcess server(binary, data,
                       {"--evaluations-per-day-account", unlimited, "--evaluations-per-day-device", unlimited,
                        "--evaluations-per-day-address", unlimited},
                       log);

  // 100 findable users, each with a confirmed number.
  constexpr int kUsers = 100;
  std::vector<std::string> user_numbers;
  for (int u = 0; u < kUsers; ++u) {
    std::string id = "friend" + std::to_string(u);
    auto mc = client::MessageCenter::open({data + "/home-" + id, server.url(), "bench"});
    if (!mc) throw std::runtime_error(mc.error().message);
    call(**mc, "register", {{"network_id", id}, {"password", "friend-password"}});
    call(**mc, "settings", {{"region", "US"}, {"findable", json::array{"phone"}}});
    user_numbers.push_back(us_number(u * 7));
    call(**mc, "identity", {{"action", "add"}, {"kind", "phone"}, {"value", user_numbers.back()}});
    call(**mc, "identity", {{"action", "verify"}, {"code", last_code(log)}});
  }

  // The address book: 1,000 cards, 100 of them the users', each with a
  // number and every other one an e-mail address too.
  std::string book_path = data + "/../bench-contacts-book.vcf";
  {
    std::ofstream book(book_path);
    for (int i = 0; i < 1000; ++i) {
      std::string number = i < kUsers ? user_numbers[i] : us_number(100000 + i);
      book << "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Contact " << i << "\r\nTEL;TYPE=CELL:" << number << "\r\n";
      if (i % 2 == 0) book << "EMAIL;TYPE=HOME:contact" << i << "@example.org\r\n";
      book << "END:VCARD\r\n";
    }
  }

  auto reader = client::MessageCenter::open({data + "/home-reader", server.url(), "bench"});
  if (!reader) throw std::runtime_error(reader.error().message);
  call(**reader, "register", {{"network_id", "reader"}, {"password", "reader-password"}});
  std::string token = (*reader)->profile().token;

  std::vector<double> bare1, bare2, served, imports, import_ceiling;
  std::size_t identifiers = 0;
  for (int run = 0; run < runs; ++run) {
    bare1.push_back(bare_scalarmults_per_second(1, 20000));
    bare2.push_back(bare_scalarmults_per_second(2, 20000));

    // Evaluations through HTTP: 16 different bodies of 100 blinded points.
    std::vector<std::string> bodies;
    for (int b = 0; b < 16; ++b) {
      json::array points;
      for (int i = 0; i < 100; ++i) points.emplace_back(oprf::encode(oprf::blind(us_number(b * 100 + i)).point));
      bodies.push_back(json::serialize(json::object{{"points", points}}));
    }
    auto m = post_load_each(std::stoi(server.url().substr(server.url().rfind(':') + 1)), {token},
                            "/v1/contacts/evaluate", bodies, 4, 2, seconds, 200);
    served.push_back(m.per_second * 100);

    // One import from a fresh home (no tags known from before).
    std::string home = data + "/home-import-" + std::to_string(run);
    fs::create_directories(home);
    fs::copy_file(data + "/home-reader/profile.json", home + "/profile.json", fs::copy_options::overwrite_existing);
    auto importer = client::MessageCenter::open({home, server.url(), "bench"});
    if (!importer) throw std::runtime_error(importer.error().message);
    auto t = Clock::now();
    auto report = call(**importer, "contacts", {{"action", "import"}, {"path", book_path}, {"region", "US"}});
    imports.push_back(seconds_since(t) * 1000);
    identifiers = json::value_to<std::size_t>(report.at("identifiers"));
    auto found = report.at("matches").as_array().size();
    if (found != kUsers) throw std::runtime_error("the import found " + std::to_string(found) + " users, not 100");
    import_ceiling.push_back(3.0 * identifiers / bare1.back() * 1000);
  }
  print_table("Address-book matching: evaluations (goal: near the bare scalar multiplications)",
              {{"server evaluations/s, HTTP, 100 points a request", fmt(median(served)),
                fmt(median(bare2)) + " bare, 2 threads", fmt(median(served) / median(bare2), 2) + "x"},
               {"", "", fmt(median(bare1)) + " bare, 1 thread", fmt(median(served) / median(bare1), 2) + "x"}});
  print_table("Importing an address book of 1,000 contacts (" + std::to_string(identifiers) +
                  " numbers and addresses, 100 users) end to end",
              {{"import, ms", fmt(median(imports), 1),
                fmt(median(import_ceiling), 1) + " ms of bare scalar multiplications (3 per identifier, 1 thread)",
                fmt(median(imports) / median(import_ceiling), 2) + "x"}});
  return 0;
}
