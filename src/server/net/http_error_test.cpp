#include "server/net/http_error.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace mc::net {
namespace {

// The statuses are part of the protocol (docs/protocol.md): each kind keeps
// the status clients have relied on.
TEST(HttpErrorTest, EachKindHasItsStatus) {
  EXPECT_EQ(http_status(Error::invalid_argument("missing_field", "")), 400);
  EXPECT_EQ(http_status(Error::failed_precondition("ack_beyond_head", "")), 400);
  EXPECT_EQ(http_status(Error::unauthenticated("invalid_token", "")), 401);
  EXPECT_EQ(http_status(Error::permission_denied("forbidden", "")), 403);
  EXPECT_EQ(http_status(Error::not_found("resource_not_found", "")), 404);
  EXPECT_EQ(http_status(Error::unimplemented("method_not_allowed", "")), 405);
  EXPECT_EQ(http_status(Error::already_exists("network_id_taken", "")), 409);
  EXPECT_EQ(http_status(Error::too_large("body_too_large", "")), 413);
  EXPECT_EQ(http_status(Error::too_large("headers_too_large", "")), 431);
  EXPECT_EQ(http_status(Error::out_of_range("range_not_satisfiable", "")), 416);
  EXPECT_EQ(http_status(Error::data_loss("digest_mismatch", "")), 422);
  EXPECT_EQ(http_status(Error::resource_exhausted("rate_limited", "")), 429);
  EXPECT_EQ(http_status(Error::internal("boom")), 500);
  EXPECT_EQ(http_status(Error::network("refused")), 503);
}

TEST(HttpErrorTest, BodyCarriesCodeAndMessage) {
  auto res = error_response(Error::not_found("share_not_found", "no share with id 's_1'"));
  EXPECT_EQ(res.status, 404);
  auto v = boost::json::parse(res.body);
  EXPECT_EQ(v.at("error").at("code").as_string(), "share_not_found");
  EXPECT_EQ(v.at("error").at("message").as_string(), "no share with id 's_1'");
}

}  // namespace
}  // namespace mc::net
