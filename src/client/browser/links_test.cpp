#include "client/browser/links.hpp"

#include <gtest/gtest.h>

namespace mc::client {
namespace {

TEST(Links, ResolveAsABrowserDoes) {
  const std::string base = "http://h:8080/v1/resources/r_a/content";
  EXPECT_EQ(resolve_url(base, "r_b"), "http://h:8080/v1/resources/r_a/r_b");
  EXPECT_EQ(resolve_url(base, "../r_b"), "http://h:8080/v1/resources/r_b");
  EXPECT_EQ(resolve_url(base, "/x?y=1#z"), "http://h:8080/x?y=1#z");
  EXPECT_EQ(resolve_url(base, "//other.example/p"), "http://other.example/p");
  EXPECT_EQ(resolve_url(base, "  https://e.com/a b  "), "https://e.com/a%20b");
  EXPECT_EQ(resolve_url(base, "#top"), "http://h:8080/v1/resources/r_a/content#top");
  EXPECT_EQ(resolve_url("not a url", "x"), "x");
}

TEST(Links, ResourceUrlsAreRecognised) {
  const std::string server = "http://127.0.0.1:8080";
  EXPECT_EQ(resource_in_url("http://127.0.0.1:8080/v1/resources/r_1", server), "r_1");
  EXPECT_EQ(resource_in_url("http://127.0.0.1:8080/v1/resources/r_1/content", server), "r_1");
  EXPECT_EQ(resource_in_url("msgc:resource/r_2", server), "r_2");
  EXPECT_EQ(resource_in_url("msgc://resource/r_3", server), "r_3");
  EXPECT_FALSE(resource_in_url("http://127.0.0.1:9090/v1/resources/r_1", server));  // another server
  EXPECT_FALSE(resource_in_url("http://localhost.evil/v1/resources/r_1", server));
  EXPECT_FALSE(resource_in_url("http://127.0.0.1:8080/v1/resources/r_1/other", server));
  EXPECT_FALSE(resource_in_url("http://127.0.0.1:8080/v1/resources/not-an-id", server));
  EXPECT_FALSE(resource_in_url("msgc:resource/../etc", server));
  EXPECT_EQ(resource_in_url("http://h/app/v1/resources/r_9", "http://h/app"), "r_9");
  EXPECT_FALSE(resource_in_url("http://h/v1/resources/r_9", "http://h/app"));
}

}  // namespace
}  // namespace mc::client
