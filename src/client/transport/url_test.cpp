#include "client/transport/url.hpp"

#include <gtest/gtest.h>

namespace mc::client {

TEST(Url, ParsesHostPortAndPrefix) {
  auto u = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->prefix, "");
  auto v = parse_url("http://example.org/api/");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->port, 80);
  EXPECT_EQ(v->prefix, "/api");
  auto w = parse_url("http://[::1]:9000");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->host, "::1");
  EXPECT_EQ(w->port, 9000);
}

TEST(Url, RejectsWhatItCannotServe) {
  for (const char* bad : {"ftp://x", "127.0.0.1:8080", "http://", "http://host:0", "http://host:99999",
                          "http://host:12ab", "https://secure.example"}) {
    auto u = parse_url(bad);
    ASSERT_FALSE(u) << bad;
    EXPECT_EQ(u.error().code, "bad_url") << bad;
  }
}

TEST(Url, EncodesReservedCharacters) {
  EXPECT_EQ(url_encode("a b&c/d"), "a%20b%26c%2Fd");
  EXPECT_EQ(url_encode("r_12-x.y~"), "r_12-x.y~");
}

}  // namespace mc::client
