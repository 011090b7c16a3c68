#include "core/catalog/resource_attributes.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mc::catalog {

namespace json = boost::json;

namespace {

const std::string kImage1 = "r_019ab3c5d2e1f04c0123456789ab";
const std::string kImage2 = "r_019ab3c5d2e2aaaabbbbccccdddd";

Result<json::object> check(std::string_view type, std::string_view text, std::int64_t content_size = -1) {
  json::value v = json::parse(text);
  return validate_attributes(type, &v, content_size);
}

// The canonical JSON text of good attributes.
std::string canonical(std::string_view type, std::string_view text, std::int64_t content_size = -1) {
  auto r = check(type, text, content_size);
  if (!r) return "refused: " + r.error().message;
  return json::serialize(*r);
}

// The message of refused attributes, after checking the kind and the code.
std::string refusal_of(std::string_view type, const json::value& v, std::int64_t content_size = -1) {
  auto r = validate_attributes(type, &v, content_size);
  if (r) return "accepted: " + json::serialize(*r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(r.error().code, "invalid_attributes");
  return r.error().message;
}
std::string refusal(std::string_view type, std::string_view text, std::int64_t content_size = -1) {
  return refusal_of(type, json::parse(text), content_size);
}

std::string chapters_json(std::size_t n) {
  std::string s = "{\"chapters\":[";
  for (std::size_t i = 0; i < n; ++i)
    s += (i ? ",{\"title\":\"c\",\"offset\":" : "{\"title\":\"c\",\"offset\":") + std::to_string(i) + "}";
  return s + "]}";
}

std::string ids_json(std::string_view field, std::size_t n) {
  std::string s = "{\"" + std::string(field) + "\":[";
  for (std::size_t i = 0; i < n; ++i) {
    auto hex = std::to_string(1'000'000 + i);
    s += (i ? ",\"r_" : "\"r_") + std::string(28 - hex.size(), '0') + hex + "\"";
  }
  return s + "]}";
}

}  // namespace

TEST(ResourceAttributes, NoAttributesGiveAnEmptyObject) {
  for (auto type : {"video", "music", "novel", "game", "product", "webpage", "file"}) {
    auto r = validate_attributes(type, nullptr, 10);
    ASSERT_TRUE(r) << type;
    EXPECT_TRUE(r->empty());
    EXPECT_EQ(canonical(type, "null"), "{}");
    EXPECT_EQ(canonical(type, "{}"), "{}");
  }
}

TEST(ResourceAttributes, RefusesAnUnknownTypeAndAttributesThatAreNoObject) {
  auto r = check("podcast", "{}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_type");
  EXPECT_EQ(refusal("product", "[1]"), "attributes must be an object");
  EXPECT_EQ(refusal("file", "\"x\""), "attributes must be an object");
}

TEST(ResourceAttributes, ProductComesBackInCanonicalOrder) {
  EXPECT_EQ(canonical("product",
                      R"({"images":[")" + kImage1 + R"(",")" + kImage2 +
                          R"("],"buy_url":"https://shop.example/p/1?x=1#top","currency":"EUR","price":1299})"),
            R"({"price":1299,"currency":"EUR","buy_url":"https://shop.example/p/1?x=1#top","images":[")" + kImage1 +
                R"(",")" + kImage2 + R"("]})");
  EXPECT_EQ(canonical("product", R"({"currency":"JPY","price":0})"), R"({"price":0,"currency":"JPY"})");
  EXPECT_EQ(canonical("product", R"({"price":1000000000000,"currency":"ZWL"})"),
            R"({"price":1000000000000,"currency":"ZWL"})");
  // An unsigned value, as boost::json holds numbers past 2^63 and code may build, comes back as int64.
  json::object a;
  a["price"] = std::uint64_t{1000};
  a["currency"] = "USD";
  json::value v = a;
  auto r = validate_attributes("product", &v, -1);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->at("price").is_int64());
  EXPECT_EQ(r->at("price").get_int64(), 1000);
}

TEST(ResourceAttributes, RefusesPricesThatAreNoIntegerInRange) {
  for (auto price :
       {"12.5", "1e3", "1000.0", "\"12\"", "true", "null", "-1", "1000000000001", "18446744073709551615"}) {
    EXPECT_EQ(refusal("product", std::string(R"({"currency":"EUR","price":)") + price + "}"),
              "attributes.price must be an integer from 0 to 1000000000000")
        << price;
  }
}

TEST(ResourceAttributes, RefusesCurrenciesOffTheList) {
  for (auto currency : {"\"XYZ\"", "\"usd\"", "\"EU\"", "\"EURO\"", "\"\"", "978"}) {
    EXPECT_EQ(refusal("product", std::string(R"({"price":1,"currency":)") + currency + "}"),
              "attributes.currency must be an ISO 4217 currency code: three upper-case letters, such as EUR")
        << currency;
  }
  EXPECT_EQ(refusal("product", R"({"price":1})"), "attributes.price needs attributes.currency");
  EXPECT_EQ(refusal("product", R"({"currency":"EUR"})"), "attributes.currency needs attributes.price");
}

TEST(ResourceAttributes, AcceptsHttpUrlsWithAHost) {
  for (auto url : {"https://example.com", "http://example.com:8080/a?b=c", "http://[::1]:8080/x", "https://192.0.2.1/",
                   "https://shop.example/%E4%B8%AD"}) {
    EXPECT_EQ(canonical("product", std::string(R"({"buy_url":")") + url + "\"}"),
              std::string(R"({"buy_url":")") + url + "\"}");
  }
}

TEST(ResourceAttributes, RefusesUrlsThatAreNotPlainHttpWithAHost) {
  auto buy_url = [](std::string url) { return refusal_of("product", json::value{{"buy_url", url}}); };
  EXPECT_EQ(buy_url("ftp://example.com/"), "attributes.buy_url must start with http:// or https://");
  EXPECT_EQ(buy_url("example.com"), "attributes.buy_url must start with http:// or https://");
  EXPECT_EQ(buy_url("HTTPS://example.com"), "attributes.buy_url must start with http:// or https://");
  for (auto no_host : {"https://", "https:///path", "https://:80/", "http://exa_mple.com/", "http://host:99999/",
                       "http://host:/", "http://[::1/", "http://[]/"}) {
    EXPECT_EQ(buy_url(no_host),
              "attributes.buy_url must name a host (a domain name or an IP address, and an optional port)")
        << no_host;
  }
  for (auto unprintable : {"https://a b/", "https://a/\tb", "https://\xe4\xb8\xad.example/"}) {
    EXPECT_EQ(buy_url(unprintable),
              "attributes.buy_url must be printable ASCII without spaces (percent-encode other characters)");
  }
  EXPECT_EQ(buy_url("https://shop.example@evil.example/"), "attributes.buy_url must not hold a user name or password");
  EXPECT_EQ(buy_url("https://example.com/" + std::string(1981, 'a')), "attributes.buy_url is longer than 2000 bytes");
  EXPECT_TRUE(check("product", R"({"buy_url":"https://example.com/)" + std::string(1980, 'a') + "\"}"));
  EXPECT_EQ(refusal("product", R"({"buy_url":7})"), "attributes.buy_url must be an http:// or https:// URL");
}

TEST(ResourceAttributes, RefusesImagesThatAreNoResourceIds) {
  EXPECT_TRUE(check("product", ids_json("images", 20)));
  EXPECT_EQ(refusal("product", ids_json("images", 21)), "attributes.images must be an array of up to 20 resource ids");
  EXPECT_EQ(refusal("product", R"({"images":")" + kImage1 + "\"}"),
            "attributes.images must be an array of up to 20 resource ids");
  for (auto id : {"\"r_019AB3C5D2E1F04C0123456789AB\"", "\"r_019ab3c5d2e1f04c0123456789a\"",
                  "\"s_019ab3c5d2e1f04c0123456789ab\"", "\"r_019ab3c5d2e1f04c0123456789abc\"", "1"}) {
    EXPECT_EQ(refusal("product", std::string(R"({"images":[")") + kImage1 + "\"," + id + "]}"),
              "attributes.images[1] must be a resource id (r_ and 28 lower-case hex digits)")
        << id;
  }
  EXPECT_EQ(refusal("product", R"({"images":[")" + kImage1 + R"(",")" + kImage2 + R"(",")" + kImage1 + R"("]})"),
            "attributes.images[2] repeats images[0]");
}

TEST(ResourceAttributes, NovelChaptersComeBackCanonical) {
  EXPECT_EQ(canonical("novel", R"({"chapters":[{"offset":0,"title":"One"},{"title":"第二章","offset":4096}]})", 5000),
            R"({"chapters":[{"title":"One","offset":0},{"title":"第二章","offset":4096}]})");
  // A negative size is unknown: offsets only increase.
  EXPECT_EQ(canonical("novel", R"({"chapters":[{"title":"a","offset":5},{"title":"b","offset":900000}]})", -1),
            R"({"chapters":[{"title":"a","offset":5},{"title":"b","offset":900000}]})");
  EXPECT_EQ(canonical("novel", R"({"chapters":[]})", 0), R"({"chapters":[]})");
  EXPECT_TRUE(check("novel", chapters_json(10'000), 10'000));
}

TEST(ResourceAttributes, RefusesChaptersOutOfOrderOrPastTheEnd) {
  EXPECT_EQ(refusal("novel", R"({"chapters":[{"title":"a","offset":0},{"title":"b","offset":10},
                                 {"title":"c","offset":30},{"title":"d","offset":20}]})"),
            "attributes.chapters[3].offset must be greater than chapters[2].offset");
  EXPECT_EQ(refusal("novel", R"({"chapters":[{"title":"a","offset":7},{"title":"b","offset":7}]})"),
            "attributes.chapters[1].offset must be greater than chapters[0].offset");
  EXPECT_EQ(refusal("novel", R"({"chapters":[{"title":"a","offset":0},{"title":"b","offset":100}]})", 100),
            "attributes.chapters[1].offset must be less than the content's size (100 bytes)");
  EXPECT_EQ(refusal("novel", R"({"chapters":[{"title":"a","offset":0}]})", 0),
            "attributes.chapters[0].offset must be less than the content's size (0 bytes)");
  for (auto offset : {"-1", "1.5", "\"3\"", "null"}) {
    EXPECT_EQ(refusal("novel", std::string(R"({"chapters":[{"title":"a","offset":)") + offset + "}]}"),
              "attributes.chapters[0].offset must be a non-negative integer");
  }
  EXPECT_EQ(refusal("novel", chapters_json(10'001)), "attributes.chapters has more than 10000 chapters");
  EXPECT_EQ(refusal("novel", R"({"chapters":{}})"),
            R"(attributes.chapters must be an array of {"title", "offset"} objects)");
  EXPECT_EQ(refusal("novel", R"({"chapters":[{"title":"a","offset":0},"b"]})"),
            R"(attributes.chapters[1] must be an object {"title", "offset"})");
  EXPECT_EQ(refusal("novel", R"({"chapters":[{"title":"a","offset":0,"page":1}]})"),
            "attributes.chapters[0].page is unknown: a chapter's fields are title, offset");
}

TEST(ResourceAttributes, RefusesChapterTitlesThatAreEmptyLongOrNotUtf8) {
  const std::string message = "attributes.chapters[0].title must be a non-empty UTF-8 string of up to 200 bytes";
  auto with_title = [](json::value title) {
    json::object chapter;
    if (!title.is_null()) chapter["title"] = std::move(title);
    chapter["offset"] = 0;
    return json::value{{"chapters", json::array{chapter}}};
  };
  EXPECT_EQ(refusal_of("novel", with_title("")), message);
  EXPECT_EQ(refusal_of("novel", with_title(nullptr)), message);
  EXPECT_EQ(refusal_of("novel", with_title(3)), message);
  EXPECT_EQ(refusal_of("novel", with_title(json::string(201, 'a'))), message);
  auto longest = with_title(json::string(200, 'a'));
  EXPECT_TRUE(validate_attributes("novel", &longest, -1));
  for (auto bad : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    EXPECT_EQ(refusal_of("novel", with_title(bad)), message);
  }
}

TEST(ResourceAttributes, MusicAndVideoComeBackCanonical) {
  for (auto type : {"music", "video"}) {
    EXPECT_EQ(
        canonical(type, R"({"format":{"height":1080,"width":1920,"channels":2,"sample_rate":48000,
                                   "codec":"h264","container":"mp4"},"duration_ms":90000})"),
        R"({"duration_ms":90000,"format":{"container":"mp4","codec":"h264","sample_rate":48000,"channels":2,"width":1920,"height":1080}})");
    EXPECT_EQ(canonical(type, R"({"format":{"codec":"mp4a.40.2"},"duration_ms":100000000000})"),
              R"({"duration_ms":100000000000,"format":{"codec":"mp4a.40.2"}})");
  }
}

TEST(ResourceAttributes, RefusesMediaFieldsOutOfBounds) {
  for (auto d : {"-1", "100000000001", "1.5", "\"10\""}) {
    EXPECT_EQ(refusal("video", std::string(R"({"duration_ms":)") + d + "}"),
              "attributes.duration_ms must be an integer from 0 to 100000000000");
  }
  EXPECT_EQ(refusal("music", R"({"format":{"container":"MP4"}})"),
            "attributes.format.container must be 1 to 32 of a-z 0-9 . + - _");
  EXPECT_EQ(refusal("music", R"({"format":{"codec":""}})"),
            "attributes.format.codec must be 1 to 32 of a-z 0-9 . + - _");
  EXPECT_EQ(refusal("music", R"({"format":{"codec":")" + std::string(33, 'a') + "\"}}"),
            "attributes.format.codec must be 1 to 32 of a-z 0-9 . + - _");
  struct Bound {
    const char* field;
    const char* bad_value;
    const char* range;
  };
  for (auto [field, bad_value, range] : {Bound{"channels", "0", "1 to 64"},
                                         {"channels", "65", "1 to 64"},
                                         {"sample_rate", "1000001", "1 to 1000000"},
                                         {"width", "100001", "1 to 100000"},
                                         {"height", "0", "1 to 100000"},
                                         {"height", "2.0", "1 to 100000"}}) {
    EXPECT_EQ(refusal("video", std::string(R"({"format":{")") + field + "\":" + bad_value + "}}"),
              std::string("attributes.format.") + field + " must be an integer from " + range);
  }
  EXPECT_EQ(refusal("video", R"({"format":{"bitrate":1}})"),
            "attributes.format.bitrate is unknown: a format's fields are container, codec, sample_rate, channels, "
            "width, height");
  EXPECT_EQ(refusal("video", R"({"format":"mp4"})"), "attributes.format must be an object");
}

TEST(ResourceAttributes, GameNamesAHandler) {
  EXPECT_EQ(canonical("game", R"({"handler":"lua-2048"})"), R"({"handler":"lua-2048"})");
  for (auto name : {"\"ab\"", "\"Tetris\"", "\"2048\"", "\"a_b_c\"", "\"\"", "7"}) {
    EXPECT_EQ(refusal("game", std::string(R"({"handler":)") + name + "}"),
              "attributes.handler must be a handler name: 3 to 40 of a-z 0-9 -, starting with a letter");
  }
  EXPECT_TRUE(check("game", R"({"handler":")" + std::string(40, 'a') + "\"}"));
  EXPECT_FALSE(check("game", R"({"handler":")" + std::string(41, 'a') + "\"}"));
}

TEST(ResourceAttributes, WebpageHasAssetsOrAUrlNotBoth) {
  EXPECT_EQ(canonical("webpage", R"({"assets":[")" + kImage1 + "\"]}"), R"({"assets":[")" + kImage1 + "\"]}");
  EXPECT_EQ(canonical("webpage", R"({"url":"https://example.org/page"})"), R"({"url":"https://example.org/page"})");
  EXPECT_EQ(refusal("webpage", R"({"url":"https://example.org/","assets":[]})"),
            "attributes must hold assets (a page served here) or url (a page elsewhere), not both");
  EXPECT_TRUE(check("webpage", ids_json("assets", 200)));
  EXPECT_EQ(refusal("webpage", ids_json("assets", 201)),
            "attributes.assets must be an array of up to 200 resource ids");
  EXPECT_EQ(refusal("webpage", R"({"url":"mailto:shop@example.com"
})"),
            "attributes.url must start with http:// or https://");
}

TEST(ResourceAttributes, RefusesUnknownKeysNamingThem) {
  EXPECT_EQ(refusal("product", R"({"price":1,"currency":"EUR","color":"red"})"),
            "attributes.color is unknown: a product's attributes are price, currency, buy_url, images");
  EXPECT_EQ(refusal("novel", R"({"chapter":[]})"), "attributes.chapter is unknown: a novel's attributes are chapters");
  EXPECT_EQ(refusal("music", R"({"duration":1})"),
            "attributes.duration is unknown: a recording's attributes are duration_ms, format");
  EXPECT_EQ(refusal("game", R"({"price":1})"), "attributes.price is unknown: a game's attributes are handler");
  EXPECT_EQ(refusal("product", R"({"co lor\n":1})"),
            "attributes[\"co lor\\n\"] is unknown: a product's attributes are price, currency, buy_url, images");
  EXPECT_EQ(refusal("file", R"({"size":1})"), "attributes.size is unknown: a file has none");
}

TEST(ResourceAttributes, ReferencedResourcesAreImagesAndAssets) {
  auto product =
      check("product", R"({"images":[")" + kImage1 + R"(",")" + kImage2 + R"("],"price":1,"currency":"EUR"})");
  ASSERT_TRUE(product);
  EXPECT_EQ(referenced_resources("product", *product), (std::vector<std::string>{kImage1, kImage2}));
  auto page = check("webpage", R"({"assets":[")" + kImage2 + "\"]}");
  ASSERT_TRUE(page);
  EXPECT_EQ(referenced_resources("webpage", *page), std::vector<std::string>{kImage2});
  auto url_page = check("webpage", R"({"url":"https://example.org/"})");
  ASSERT_TRUE(url_page);
  EXPECT_TRUE(referenced_resources("webpage", *url_page).empty());
  auto novel = check("novel", R"({"chapters":[{"title":"a","offset":0}]})", 10);
  ASSERT_TRUE(novel);
  EXPECT_TRUE(referenced_resources("novel", *novel).empty());
  EXPECT_TRUE(referenced_resources("product", json::object{}).empty());
}

}  // namespace mc::catalog
