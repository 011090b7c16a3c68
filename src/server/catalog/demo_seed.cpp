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

// The demo's web page links into the catalog both ways a page may: a
// msgc: URL, and the server's own resource URL (relative, as a page served
// by the server writes it); and out of it, to a site the terminal does not
// fetch unless told to.
std::string web_page(const std::string& novel_id, const std::string& tone_id) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Autumn offers</title>\n"
         "<style>body { font-family: serif; max-width: 40em; }</style>\n"
         "<script>window.analytics = { page: 'autumn-offers' };</script></head>\n"
         "<body><h1>Autumn offers</h1>\n"
         "<p>Three new novels, a puzzle game and a playlist for rainy days.</p>\n"
         "<h2>New this week</h2>\n<ul>\n"
         "<li><a href=\"msgc:resource/" +
         novel_id +
         "\">The Quiet Harbour, chapter 1</a>: a ferry, a harbour master, and a stranger.</li>\n"
         "<li><a href=\"/v1/resources/" +
         tone_id +
         "\">A 440 Hz tone</a>, to tune by.</li>\n</ul>\n"
         "<h2>Prices</h2>\n<table><tr><th>Offer</th><th>Price</th></tr>\n"
         "<tr><td>Trail running shoes</td><td>59.00 EUR</td></tr>\n"
         "<tr><td>Pocket Sudoku</td><td>free</td></tr></table>\n"
         "<p><a href=\"https://example.com/offers\">See all offers</a></p>\n</body></html>\n";
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

// A short novel in Chinese, in chapters (written for this demo), and the
// byte offset of each chapter: its attributes.
struct Chapters {
  std::string text;
  std::string attributes;  // {"chapters": [{"title", "offset"}, ...]}
};

Chapters chinese_novel() {
  const std::pair<const char*, const char*> chapters[] = {
      {"第一章 渡船",
       "黄昏的时候，渡船照例靠了岸。港务长站在跳板旁边，一个一个地数着下船的人。"
       "海风带着盐的味道，灯塔的光一圈一圈地扫过水面。"},
      {"第二章 陌生人",
       "最后一个下船的是个陌生人，手里只提着一只旧皮箱。他问港务长，"
       "镇上还有没有能住的房间。港务长看了他很久，才指了指山坡上的旅馆。"},
      {"第三章 灯塔",
       "那天夜里，灯塔的灯第一次熄灭了。全镇的人都站在码头上，望着黑暗的海。"
       "只有那个陌生人提着一盏马灯，向灯塔走去。"},
  };
  Chapters out;
  out.text = "海港的灯\n\n";
  std::string list;
  for (const auto& [title, body] : chapters) {
    if (!list.empty()) list += ",";
    list += R"({"title":")" + std::string(title) + R"(","offset":)" + std::to_string(out.text.size()) + "}";
    out.text += std::string(title) + "\n\n";
    for (int i = 0; i < 4; ++i) out.text += std::string(body) + (i % 2 ? "\n\n" : "");
  }
  out.attributes = R"({"chapters":[)" + list + "]}";
  return out;
}

// The product's picture: an SVG drawing of a shoe (image/svg+xml, a "file").
std::string shoe_svg() {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"120\" viewBox=\"0 0 240 120\">\n"
         "<title>Trail running shoe</title>\n"
         "<path d=\"M20 80 Q30 40 80 45 L120 60 Q170 62 215 80 L220 95 L20 95 Z\" fill=\"#2b6cb0\"/>\n"
         "<rect x=\"18\" y=\"95\" width=\"204\" height=\"10\" rx=\"4\" fill=\"#1a202c\"/>\n"
         "<path d=\"M70 50 L95 58 M80 47 L105 56\" stroke=\"#fff\" stroke-width=\"3\"/>\n"
         "</svg>\n";
}

struct DemoResource {
  const char* type;
  const char* title;
  std::vector<std::string> tags;
  const char* mime;
  const char* filename;
  std::string bytes;
  std::string description = {};
  std::string attributes = "{}";
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

  auto publish = [&](const DemoResource& d) -> Result<std::string> {
    auto blob = blobs.put(d.bytes);
    if (!blob) return blob.error();
    MC_TRY_STATUS(catalog.put_blob(blob->sha256, static_cast<std::int64_t>(blob->size), provider->id));
    store::Resource r;
    r.type = d.type;
    r.title = d.title;
    r.tags = d.tags;
    r.sha256 = blob->sha256;
    r.mime = d.mime;
    r.filename = d.filename;
    r.description = d.description;
    r.attributes = d.attributes;
    MC_TRY(auto created, catalog::publish_resource(catalog, r, provider->id));
    return created.id;
  };
  // In this order: tours and tests pick the first of a type.
  auto novel = novel_text();
  MC_TRY(auto novel_id, publish({"novel",
                                 "The Quiet Harbour, chapter 1",
                                 {"fiction", "sea"},
                                 "text/plain; charset=utf-8",
                                 "quiet-harbour-1.txt",
                                 novel,
                                 "A ferry, a harbour master, and a stranger.",
                                 R"({"chapters":[{"title":"Chapter One","offset":18}]})"}));
  MC_TRY(auto tone_id, publish({"music",
                                "A 440 Hz tone",
                                {"test", "audio"},
                                "audio/wav",
                                "tone-440.wav",
                                tone_wav(),
                                "One second of A, to tune by.",
                                R"({"duration_ms":1000,"format":{"container":"wav","codec":"pcm_u8",)"
                                R"("sample_rate":8000,"channels":1}})"}));
  MC_TRY(auto image_id, publish({"file",
                                 "Trail running shoes: picture",
                                 {"sport", "image"},
                                 "image/svg+xml",
                                 "trail-shoes.svg",
                                 shoe_svg(),
                                 "The product picture of the trail running shoes."}));
  MC_TRY_STATUS(publish(
      {"product",
       "Trail running shoes",
       {"sport", "shoes"},
       "application/json",
       "trail-shoes.json",
       R"({"name":"Trail running shoes","price":"59.00","currency":"EUR","sizes":[40,41,42,43,44],)"
       R"("description":"Light shoes with a deep grip for wet forest paths.","buy_url":"https://shop.example/trail-shoes"})",
       "Light shoes with a deep grip for wet forest paths.",
       R"({"price":5900,"currency":"EUR","buy_url":"https://shop.example/trail-shoes","images":[")" + image_id +
           R"("]})"}));
  MC_TRY_STATUS(
      publish({"game",
               "Pocket Sudoku #1",
               {"puzzle"},
               "application/json",
               "sudoku-1.json",
               R"({"puzzle":"530070000600195000098000060800060003400803001700020006060000280000419005000080079"})",
               "A classic 9x9 puzzle; plays in the terminal.",
               R"({"handler":"sudoku"})"}));
  MC_TRY_STATUS(publish({"webpage",
                         "Autumn offers",
                         {"offers"},
                         "text/html; charset=utf-8",
                         "autumn-offers.html",
                         web_page(novel_id, tone_id),
                         "This season's novels, games and shoes.",
                         R"({"assets":[")" + novel_id + R"(",")" + tone_id + R"("]})"}));
  auto zh = chinese_novel();
  MC_TRY_STATUS(publish({"novel",
                         "海港的灯",
                         {"小说", "fiction"},
                         "text/plain; charset=utf-8",
                         "haigang-de-deng.txt",
                         zh.text,
                         "渡船、港务长和一个陌生人：一个海边小镇的故事。",
                         zh.attributes}));
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
      "  msgc --home /tmp/alice catalog --search 海港       # full text, Chinese too\n"
      "  RID=$(msgc --home /tmp/alice catalog --type novel -q | head -n 1)\n"
      "  msgc --home /tmp/bob inbox --follow &\n"
      "  msgc --home /tmp/alice share $RID --to bob --note 'have a look'\n"
      "  msgc --home /tmp/bob get $RID -o /tmp/bob-novel.txt\n"
      "  PAGE=$(msgc --home /tmp/alice catalog --type webpage -q | head -n 1)\n"
      "  msgc --home /tmp/bob open $PAGE && msgc --home /tmp/bob open $PAGE --link 1\n"
      "Ctrl-C stops the server.\n",
      url.c_str());
}

}  // namespace mc::catalog
