#include "server/catalog/demo_seed.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "server/accounts/account_routes.hpp"
#include "server/catalog/catalog_routes.hpp"

namespace mc::catalog {

namespace {

std::string novel_text() {
  std::string s = "The Quiet Harbour\nChapter One\n\n";
  const char* para =
      "The ferry came in at dusk, as it always did, and the harbour master counted the passengers "
      "off the gangway the way other men count their blessings: slowly, and with suspicion. ";
  for (int i = 0; i < 12; ++i) s += para, s += (i % 3 == 2 ? "\n\n" : "");
  return s;
}

std::string web_page() {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>Autumn offers</title></head>"
         "<body><h1>Autumn offers</h1><p>Three new novels, a puzzle game and a playlist for rainy days."
         "</p><p><a href=\"https://example.com/offers\">See all offers</a></p></body></html>\n";
}

// One second of a 440 Hz tone as 8 kHz, 8-bit mono WAV.
std::string tone_wav() {
  const std::uint32_t rate = 8000, n = 8000;
  std::string w;
  auto u32 = [&w](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) w.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto u16 = [&w](std::uint16_t v) {
    w.push_back(static_cast<char>(v & 0xff));
    w.push_back(static_cast<char>(v >> 8));
  };
  w += "RIFF";
  u32(36 + n);
  w += "WAVEfmt ";
  u32(16);
  u16(1);
  u16(1);
  u32(rate);
  u32(rate);
  u16(1);
  u16(8);
  w += "data";
  u32(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    w.push_back(static_cast<char>(128 + 100 * std::sin(2 * M_PI * 440.0 * i / rate)));
  }
  return w;
}

struct DemoResource {
  const char* type;
  const char* title;
  std::vector<std::string> tags;
  const char* mime;
  const char* filename;
  std::string bytes;
};

}  // namespace

Result<bool> seed_demo(store::AccountStore& accounts, store::CatalogStore& catalog, BlobStore& blobs) {
  MC_TRY(auto count, catalog.count_resources());
  if (count > 0) return false;
  for (const auto& a : kDemoAccounts) {
    auto u = accounts::create_account(accounts, a.network_id, a.password, a.role);
    if (!u && u.error().code != "network_id_taken") return u.error();
  }
  auto provider = accounts.find_user("provider");
  if (!provider) return provider.error();

  const DemoResource demo[] = {
      {"novel",
       "The Quiet Harbour, chapter 1",
       {"fiction", "sea"},
       "text/plain; charset=utf-8",
       "quiet-harbour-1.txt",
       novel_text()},
      {"webpage", "Autumn offers", {"offers"}, "text/html; charset=utf-8", "autumn-offers.html", web_page()},
      {"music", "A 440 Hz tone", {"test", "audio"}, "audio/wav", "tone-440.wav", tone_wav()},
      {"product",
       "Trail running shoes",
       {"sport", "shoes"},
       "application/json",
       "trail-shoes.json",
       R"({"name":"Trail running shoes","price":"59.00","currency":"EUR","sizes":[40,41,42,43,44]})"},
      {"game",
       "Pocket Sudoku #1",
       {"puzzle"},
       "application/json",
       "sudoku-1.json",
       R"({"puzzle":"530070000600195000098000060800060003400803001700020006060000280000419005000080079"})"},
  };
  for (const auto& d : demo) {
    auto blob = blobs.put(d.bytes);
    if (!blob) return blob.error();
    MC_TRY_STATUS(catalog.put_blob(blob->sha256, static_cast<std::int64_t>(blob->size)));
    store::Resource r;
    r.type = d.type;
    r.title = d.title;
    r.tags = d.tags;
    r.sha256 = blob->sha256;
    r.mime = d.mime;
    r.filename = d.filename;
    MC_TRY_STATUS(catalog::publish_resource(catalog, r, provider->id));
  }
  return true;
}

void print_demo_tour(const std::string& url) {
  std::printf(
      "demo accounts (network ID / password): provider / provider-pass (provider), alice / alice-pass, bob / bob-pass\n"
      "try, in another terminal from this folder:\n"
      "  export MSGC_SERVER=%s PATH=$PWD/build/release:$PATH\n"
      "  echo alice-pass | msgc --home /tmp/alice login alice\n"
      "  echo bob-pass   | msgc --home /tmp/bob login bob\n"
      "  msgc --home /tmp/alice catalog\n"
      "  RID=$(msgc --home /tmp/alice catalog --type novel -q | head -n 1)\n"
      "  msgc --home /tmp/bob inbox --follow &\n"
      "  msgc --home /tmp/alice share $RID --to bob --note 'have a look'\n"
      "  msgc --home /tmp/bob get $RID -o /tmp/bob-novel.txt\n"
      "Ctrl-C stops the server.\n",
      url.c_str());
}

}  // namespace mc::catalog
