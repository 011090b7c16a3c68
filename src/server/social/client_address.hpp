// Whom a per-address limit counts: the client's IP address as a bucket key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mc::social {

// The IP address in `text` in one canonical form, or nullopt if it holds
// none: "10.0.0.1", "10.0.0.1:5555", "::ffff:10.0.0.1" (as a dual-stack
// socket shows an IPv4 client) all give "10.0.0.1"; "[2001:db8::1]:443"
// and "2001:DB8:0::1" give "2001:db8::1".
std::optional<std::string> canonical_ip(std::string_view text);

// The bucket key of a request from the socket peer `peer` with the header
// X-Forwarded-For `forwarded` ("" when absent). When the peer is one of
// `trusted_proxies` (canonical addresses), the header is read from its end,
// skipping trusted proxies, and the first address that is not one is the
// client's; a part that is no address ends the walk (the peer counts). An
// IPv6 client counts by its /64 ("2001:db8:1:2::/64"): one host has a
// whole /64 to pick from.
std::string client_bucket(std::string_view peer, std::string_view forwarded,
                          const std::vector<std::string>& trusted_proxies);

}  // namespace mc::social
