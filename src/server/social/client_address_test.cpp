#include "server/social/client_address.hpp"

#include <gtest/gtest.h>

namespace mc::social {
namespace {

TEST(ClientAddress, OneSpellingPerAddress) {
  EXPECT_EQ(canonical_ip("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(canonical_ip(" 10.0.0.1:5555 "), "10.0.0.1");
  EXPECT_EQ(canonical_ip("::ffff:10.0.0.1"), "10.0.0.1");  // an IPv4 client on a dual-stack socket
  EXPECT_EQ(canonical_ip("[2001:DB8:0::1]:443"), "2001:db8::1");
  EXPECT_EQ(canonical_ip("2001:db8:0:0::1"), "2001:db8::1");
  EXPECT_FALSE(canonical_ip("unknown"));
  EXPECT_FALSE(canonical_ip(""));
  EXPECT_FALSE(canonical_ip("10.0.0.0/8"));
  EXPECT_FALSE(canonical_ip("[2001:db8::1"));
}

TEST(ClientAddress, WithoutATrustedProxyThePeerCountsWhateverTheHeaderSays) {
  EXPECT_EQ(client_bucket("203.0.113.7", "198.51.100.1", {}), "203.0.113.7");
  EXPECT_EQ(client_bucket("::ffff:203.0.113.7", "", {}), "203.0.113.7");
  // Every IPv4 client keeps its own bucket on a dual-stack listener.
  EXPECT_NE(client_bucket("::ffff:203.0.113.7", "", {}), client_bucket("::ffff:203.0.113.8", "", {}));
}

TEST(ClientAddress, ATrustedProxysHeaderIsReadFromItsEndPastOtherTrustedProxies) {
  std::vector<std::string> proxies = {"10.0.0.2", "10.0.0.3"};
  // nginx appends the address it saw; a client's own entries come first.
  EXPECT_EQ(client_bucket("10.0.0.2", "6.6.6.6, 203.0.113.7", proxies), "203.0.113.7");
  // A load balancer in front of nginx: skip both.
  EXPECT_EQ(client_bucket("::ffff:10.0.0.2", "203.0.113.7,\t10.0.0.3", proxies), "203.0.113.7");
  // Ports and brackets as some proxies write them.
  EXPECT_EQ(client_bucket("10.0.0.2", "203.0.113.7:4711", proxies), "203.0.113.7");
  // Garbage ends the walk at the last address trusted: no free buckets.
  EXPECT_EQ(client_bucket("10.0.0.2", "unknown", proxies), "10.0.0.2");
  EXPECT_EQ(client_bucket("10.0.0.2", "", proxies), "10.0.0.2");
}

TEST(ClientAddress, AnIpv6ClientCountsByItsSlash64) {
  EXPECT_EQ(client_bucket("2001:db8:1:2:aaaa::1", "", {}), "2001:db8:1:2::/64");
  EXPECT_EQ(client_bucket("2001:db8:1:2:bbbb::9", "", {}), client_bucket("2001:db8:1:2:aaaa::1", "", {}));
  EXPECT_NE(client_bucket("2001:db8:1:3::1", "", {}), client_bucket("2001:db8:1:2::1", "", {}));
}

}  // namespace
}  // namespace mc::social
