#include "client/transport/http_status.hpp"

#include <gtest/gtest.h>

namespace mc::client {
namespace {

TEST(HttpStatusTest, ErrorBodyGivesCodeMessageAndKind) {
  auto e = error_from_http(409, R"({"error":{"code":"client_id_reused","message":"used before"}})");
  EXPECT_EQ(e.kind, ErrorKind::kAlreadyExists);
  EXPECT_EQ(e.code, "client_id_reused");
  EXPECT_EQ(e.message, "used before");
}

TEST(HttpStatusTest, StatusesMapBackToTheServersKinds) {
  EXPECT_EQ(kind_for_status(400), ErrorKind::kInvalidArgument);
  EXPECT_EQ(kind_for_status(401), ErrorKind::kUnauthenticated);
  EXPECT_EQ(kind_for_status(403), ErrorKind::kPermissionDenied);
  EXPECT_EQ(kind_for_status(404), ErrorKind::kNotFound);
  EXPECT_EQ(kind_for_status(405), ErrorKind::kUnimplemented);
  EXPECT_EQ(kind_for_status(409), ErrorKind::kAlreadyExists);
  EXPECT_EQ(kind_for_status(413), ErrorKind::kTooLarge);
  EXPECT_EQ(kind_for_status(416), ErrorKind::kOutOfRange);
  EXPECT_EQ(kind_for_status(422), ErrorKind::kDataLoss);
  EXPECT_EQ(kind_for_status(429), ErrorKind::kResourceExhausted);
  EXPECT_EQ(kind_for_status(503), ErrorKind::kUnavailable);
  EXPECT_EQ(kind_for_status(500), ErrorKind::kInternal);
}

TEST(HttpStatusTest, BodyWithoutAnErrorStillGivesAnError) {
  auto e = error_from_http(502, "<html>bad gateway</html>");
  EXPECT_EQ(e.kind, ErrorKind::kUnavailable);
  EXPECT_EQ(e.code, "http_502");
}

TEST(HttpStatusTest, OnlyTwoHundredsSucceed) {
  EXPECT_TRUE(is_success(200));
  EXPECT_TRUE(is_success(206));
  EXPECT_FALSE(is_success(199));
  EXPECT_FALSE(is_success(304));
}

}  // namespace
}  // namespace mc::client
