#include "server/net/router.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mc::net {

TEST(Router, MatchesLiteralAndPlaceholderSegments) {
  Router r;
  int hit = 0;
  r.add("GET", "/v1/resources", [&](HttpRequest&) { hit = 1; return HttpResponse{}; });
  r.add("GET", "/v1/resources/{id}", [&](HttpRequest&) { hit = 2; return HttpResponse{}; });
  r.add("GET", "/v1/resources/{id}/content", [&](HttpRequest&) { hit = 3; return HttpResponse{}; });

  auto m = r.match("GET", "/v1/resources/r_42/content");
  ASSERT_EQ(m.kind, Router::Match::kHandler);
  EXPECT_EQ(m.params["id"], "r_42");
  HttpRequest req;
  (*m.handler)(req);
  EXPECT_EQ(hit, 3);

  auto m2 = r.match("GET", "/v1/resources/");
  ASSERT_EQ(m2.kind, Router::Match::kHandler);
  (*m2.handler)(req);
  EXPECT_EQ(hit, 1);
}

TEST(Router, TellsUnknownPathsFromWrongMethods) {
  Router r;
  r.add("POST", "/v1/shares", [](HttpRequest&) { return HttpResponse{}; });
  EXPECT_EQ(r.match("GET", "/v1/shares").kind, Router::Match::kMethodNotAllowed);
  EXPECT_EQ(r.match("POST", "/v1/nothing").kind, Router::Match::kNotFound);
  EXPECT_EQ(r.match("POST", "/v1/shares/extra").kind, Router::Match::kNotFound);
}

TEST(Router, HeadIsServedByGetRoutes) {
  Router r;
  r.add("GET", "/v1/health", [](HttpRequest&) { return HttpResponse{}; });
  EXPECT_EQ(r.match("HEAD", "/v1/health").kind, Router::Match::kHandler);
}

TEST(ParseTarget, DecodesPathAndQuery) {
  auto t = parse_target("/v1/resources?type=novel&after=10&q=a+b%21&flag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first, "/v1/resources");
  EXPECT_EQ(t->second["type"], "novel");
  EXPECT_EQ(t->second["after"], "10");
  EXPECT_EQ(t->second["q"], "a b!");
  EXPECT_EQ(t->second.count("flag"), 1u);
}

TEST(ParseTarget, RejectsBrokenEscapes) {
  EXPECT_FALSE(parse_target("/v1/x%zz"));
  EXPECT_FALSE(parse_target("/v1/x?a=%4"));
  EXPECT_FALSE(parse_target("/v1/x%"));
}

TEST(QueryInt, AcceptsRangeAndRejectsJunk) {
  HttpRequest req;
  req.query = {{"limit", "20"}, {"bad", "2x"}, {"neg", "-1"}, {"big", "5000"}, {"zero", "0"}};
  EXPECT_EQ(*query_int(req, "limit", 50, 1, 200), 20);
  EXPECT_EQ(*query_int(req, "absent", 50, 1, 200), 50);
  for (const char* k : {"bad", "neg", "big", "zero"}) {
    auto v = query_int(req, k, 50, 1, 200);
    ASSERT_FALSE(v) << k;
    EXPECT_EQ(v.error().code, "invalid_parameter");
  }
}

namespace {
HttpResponse status(int code) {
  HttpResponse r;
  r.status = code;
  return r;
}
}  // namespace

TEST(Responder, SendsTheFirstAnswerOnly) {
  std::vector<int> sent;
  {
    Responder reply([&](Responder::Render r) { sent.push_back(r().status); });
    Responder copy = reply;
    copy(status(201));
    reply(status(500));
  }
  EXPECT_EQ(sent, std::vector<int>{201});
}

// A route that loses its Responder (a bug, a dropped callback) must not
// leave the client waiting forever.
TEST(Responder, ADroppedResponderAnswers500) {
  std::vector<int> sent;
  { Responder reply([&](Responder::Render r) { sent.push_back(r().status); }); }
  EXPECT_EQ(sent, std::vector<int>{500});
}

// later() computes the answer where the Responder's owner runs it (the
// connection's thread), not on the caller's thread, and only once.
TEST(Responder, LaterRendersWhereTheSenderRunsIt) {
  std::vector<Responder::Render> queued;  // stands in for the connection's strand
  Responder reply([&](Responder::Render r) { queued.push_back(std::move(r)); });
  int rendered = 0;
  reply.later([&] {
    ++rendered;
    return status(201);
  });
  reply(status(500));
  EXPECT_EQ(rendered, 0) << "nothing rendered on the caller's thread";
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0]().status, 201);
  EXPECT_EQ(rendered, 1);
}

TEST(Router, AsyncRoutesMatchAsAsync) {
  Router r;
  r.add_async("POST", "/v1/shares", [](HttpRequest&, Responder reply) { reply(status(201)); });
  auto m = r.match("POST", "/v1/shares");
  ASSERT_EQ(m.kind, Router::Match::kAsync);
  int answered = 0;
  HttpRequest req;
  (*m.async)(req, Responder([&](Responder::Render r) { answered = r().status; }));
  EXPECT_EQ(answered, 201);
}

}  // namespace mc::net
