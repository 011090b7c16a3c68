#include "server/net/router.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mc::net {

TEST(Router, MatchesLiteralAndPlaceholderSegments) {
  Router r;
  int hit = 0;
  r.add("GET", "/v1/resources", Access::kPublic, [&](HttpRequest&) -> Result<HttpResponse> {
    hit = 1;
    return HttpResponse{};
  });
  r.add("GET", "/v1/resources/{id}", Access::kPublic, [&](HttpRequest&) -> Result<HttpResponse> {
    hit = 2;
    return HttpResponse{};
  });
  r.add("GET", "/v1/resources/{id}/content", Access::kPublic, [&](HttpRequest&) -> Result<HttpResponse> {
    hit = 3;
    return HttpResponse{};
  });

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
  r.add("POST", "/v1/shares", Access::kPublic, [](HttpRequest&) -> Result<HttpResponse> { return HttpResponse{}; });
  EXPECT_EQ(r.match("GET", "/v1/shares").kind, Router::Match::kMethodNotAllowed);
  EXPECT_EQ(r.match("POST", "/v1/nothing").kind, Router::Match::kNotFound);
  EXPECT_EQ(r.match("POST", "/v1/shares/extra").kind, Router::Match::kNotFound);
}

TEST(Router, HeadIsServedByGetRoutes) {
  Router r;
  r.add("GET", "/v1/health", Access::kPublic, [](HttpRequest&) -> Result<HttpResponse> { return HttpResponse{}; });
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
  {
    Responder reply([&](Responder::Render r) { sent.push_back(r().status); });
  }
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
  r.add_async("POST", "/v1/shares", Access::kPublic, [](HttpRequest&, Responder reply) -> Status {
    reply(status(201));
    return {};
  });
  auto m = r.match("POST", "/v1/shares");
  ASSERT_EQ(m.kind, Router::Match::kAsync);
  int answered = 0;
  HttpRequest req;
  (*m.async)(req, Responder([&](Responder::Render r) { answered = r().status; }));
  EXPECT_EQ(answered, 201);
}

// A stand-in for the accounts area's authenticator: "Bearer u" is a user,
// "Bearer p" a provider, anything else is refused.
Router router_with_logins() {
  return Router([](const HttpRequest& req) -> Result<Caller> {
    const auto& h = req.header("authorization");
    if (h == "Bearer u") return Caller{1, "alice", Role::kUser, "d_1"};
    if (h == "Bearer p") return Caller{2, "studio", Role::kProvider, "d_2"};
    return Error::unauthenticated("invalid_token", "the token is not valid");
  });
}

HttpResponse call(Router& r, const std::string& method, const std::string& path, const std::string& token) {
  auto m = r.match(method, path);
  EXPECT_EQ(m.kind, Router::Match::kHandler);
  HttpRequest req;
  if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
  return (*m.handler)(req);
}

TEST(Router, EachRouteDeclaresWhoMayCallIt) {
  auto r = router_with_logins();
  std::string seen;
  auto who = [&](HttpRequest& req) -> Result<HttpResponse> {
    seen = req.caller ? req.user().network_id : "anyone";
    return status(200);
  };
  r.add("GET", "/open", Access::kPublic, who);
  r.add("GET", "/mine", Access::kUser, who);
  r.add("POST", "/publish", Access::kProvider, who);

  EXPECT_EQ(call(r, "GET", "/open", "").status, 200);
  EXPECT_EQ(seen, "anyone");
  EXPECT_EQ(call(r, "GET", "/mine", "").status, 401);
  EXPECT_EQ(call(r, "GET", "/mine", "u").status, 200);
  EXPECT_EQ(seen, "alice");
  EXPECT_EQ(call(r, "POST", "/publish", "u").status, 403) << "a user is not a provider";
  EXPECT_EQ(call(r, "POST", "/publish", "p").status, 200);
  EXPECT_EQ(seen, "studio");
  seen.clear();
  EXPECT_EQ(call(r, "POST", "/publish", "x").status, 401);
  EXPECT_TRUE(seen.empty()) << "a refused route never runs";
}

TEST(Router, ARoutesErrorBecomesTheProtocolsErrorAnswer) {
  Router r;
  r.add("GET", "/v1/things/{id}", Access::kPublic, [](HttpRequest& req) -> Result<HttpResponse> {
    return Error::not_found("thing_not_found", "no thing " + req.path_params["id"]);
  });
  auto m = r.match("GET", "/v1/things/7");
  HttpRequest req;
  req.path_params = m.params;
  auto res = (*m.handler)(req);
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.body.find("\"thing_not_found\""), std::string::npos);
}

TEST(Router, WebSocketRoutesMatchOnlyUpgrades) {
  Router r;
  r.add_websocket("/v1/stream", Access::kPublic,
                  [](HttpRequest&, std::shared_ptr<WebSocketPeer>) -> Result<std::unique_ptr<WebSocketSession>> {
                    return Error::internal("not opened in this test");
                  });
  EXPECT_EQ(r.match("GET", "/v1/stream", true).kind, Router::Match::kWebSocket);
  EXPECT_EQ(r.match("GET", "/v1/stream").kind, Router::Match::kNotFound) << "a plain GET is not an upgrade";
  EXPECT_EQ(r.match("GET", "/v1/other", true).kind, Router::Match::kNotFound);
}

}  // namespace mc::net
