// Friends and blocks (docs/protocol.md "Friends", "Who may reach me"):
// requests with a message, accepting, declining, cancelling, the friend
// list, unfriending; blocking and unblocking. Friend events reach the
// other side's inbox and live stream like any item.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "server/delivery/bus.hpp"
#include "server/net/http_error.hpp"
#include "server/social/social_routes.hpp"

namespace mc::social {

namespace json = boost::json;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

namespace {

constexpr std::size_t kMaxRequestMessage = 500;
// Requests sent, per sender and per sender and recipient: each one is an
// inbox item the other side did not ask for.
const RateLimiter::Limit kRequestsPerSender{30, 30.0 / 86400};
const RateLimiter::Limit kRequestsPerPair{3, 3.0 / 86400};

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  return r;
}

// The one answer to a refused request, whatever refused it (a block, the
// recipient's policy): a block cannot be told from a policy.
Error not_accepted() { return Error::permission_denied("not_accepted", "they do not accept friend requests from you"); }

Result<store::UserRef> other_user(SocialContext& c, HttpRequest& req, const std::string& network_id) {
  MC_TRY(auto other, named_user(c, network_id));
  if (other.id == req.user().user_id) {
    return Error::invalid_argument("is_yourself", "that is you");
  }
  return other;
}

void wake(SocialContext& c, const std::optional<store::Delivery>& d) {
  if (d) c.bus.publish(d->user_id);
}

json::object request_json(const store::FriendRequest& r, bool incoming) {
  const store::Person& other = incoming ? r.from : r.to;
  return {{incoming ? "from" : "to", other.network_id},
          {"display_name", other.display_name},
          {"message", r.message},
          {"created_at", r.created_at}};
}

Result<HttpResponse> send_request(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto body, parse_json_object(req.body));
  MC_TRY_STATUS(only_fields(body, {"to", "message"}));
  MC_TRY(auto to, string_field(body, "to", true, 64));
  MC_TRY(auto message, string_field(body, "message", false, kMaxRequestMessage));
  if (message) MC_TRY_STATUS(check_printable("message", *message));
  MC_TRY(auto other, other_user(c, req, *to));
  const auto& me = req.user();
  const std::vector<RateLimiter::Take> buckets = {
      {"from:" + std::to_string(me.user_id), kRequestsPerSender},
      {"pair:" + std::to_string(me.user_id) + ":" + std::to_string(other.id), kRequestsPerPair}};
  if (auto wait = c.friend_requests.take(buckets, 1, now_ms())) {
    HttpResponse res =
        net::error_response(Error::resource_exhausted("rate_limited", "too many friend requests: try again later"));
    res.headers.emplace_back("Retry-After", std::to_string(*wait));
    return res;
  }
  std::int64_t now = now_ms();
  auto outcome = c.social.send_friend_request(me.user_id, other.id, message.value_or(""), now);
  // Only a request that reached the store counts (a refused one too: it is
  // what a spammer sends); already friends, already asked, cost nothing.
  if (!outcome) {
    c.friend_requests.give_back(buckets, 1, now);
    return outcome.error();
  }
  using State = store::FriendRequestOutcome::State;
  if (outcome->state == State::kRefused) return not_accepted();
  wake(c, outcome->delivery);
  if (outcome->state == State::kAccepted) {
    spdlog::info("event=friends_made a={} b={}", req.user().network_id, other.network_id);
    return json_response(200, {{"status", "accepted"}, {"friend", other.network_id}});
  }
  spdlog::info("event=friend_request from={} to={}", req.user().network_id, other.network_id);
  return json_response(
      201,
      {{"status", "sent"},
       {"request", json::object{{"to", other.network_id}, {"message", message.value_or("")}, {"created_at", now}}}});
}

Result<HttpResponse> list_requests(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto all, c.social.friend_requests(req.user().user_id));
  json::array incoming, outgoing;
  for (const auto& r : all.incoming) incoming.emplace_back(request_json(r, true));
  for (const auto& r : all.outgoing) outgoing.emplace_back(request_json(r, false));
  return json_response(200, {{"incoming", std::move(incoming)}, {"outgoing", std::move(outgoing)}});
}

Result<HttpResponse> accept_request(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto other, other_user(c, req, req.path_params["network_id"]));
  MC_TRY(auto d, c.social.accept_friend_request(req.user().user_id, other.id, now_ms()));
  wake(c, d);
  spdlog::info("event=friends_made a={} b={}", other.network_id, req.user().network_id);
  return json_response(200, {{"status", "accepted"}, {"friend", other.network_id}});
}

Result<HttpResponse> decline_request(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto other, other_user(c, req, req.path_params["network_id"]));
  MC_TRY_STATUS(c.social.drop_friend_request(other.id, req.user().user_id));
  return no_content();
}

Result<HttpResponse> cancel_request(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto other, other_user(c, req, req.path_params["network_id"]));
  MC_TRY_STATUS(c.social.drop_friend_request(req.user().user_id, other.id));
  return no_content();
}

json::array people_json(const std::vector<store::Person>& people) {
  json::array out;
  for (const auto& p : people) out.emplace_back(person_json(p));
  return out;
}

Result<HttpResponse> list_friends(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto people, c.social.friends(req.user().user_id));
  return json_response(200, {{"friends", people_json(people)}});
}

Result<HttpResponse> unfriend(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto other, other_user(c, req, req.path_params["network_id"]));
  MC_TRY_STATUS(c.social.remove_friend(req.user().user_id, other.id));
  return no_content();
}

Result<HttpResponse> block(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto other, other_user(c, req, req.path_params["network_id"]));
  MC_TRY_STATUS(c.social.block(req.user().user_id, other.id, now_ms()));
  spdlog::info("event=blocked by={} whom={}", req.user().network_id, other.network_id);
  return no_content();
}

Result<HttpResponse> unblock(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto other, other_user(c, req, req.path_params["network_id"]));
  MC_TRY_STATUS(c.social.unblock(req.user().user_id, other.id));
  return no_content();
}

Result<HttpResponse> list_blocked(SocialContext& c, HttpRequest& req) {
  MC_TRY(auto people, c.social.blocked(req.user().user_id));
  return json_response(200, {{"blocked", people_json(people)}});
}

}  // namespace

void register_friend_routes(net::Router& router, SocialContext& c) {
  using net::Access;
  auto route = [&](const char* method, const char* path, Result<HttpResponse> (*fn)(SocialContext&, HttpRequest&)) {
    router.add(method, path, Access::kUser, [&c, fn](HttpRequest& req) { return fn(c, req); });
  };
  route("POST", "/v1/friends/requests", send_request);
  route("GET", "/v1/friends/requests", list_requests);
  route("POST", "/v1/friends/requests/{network_id}/accept", accept_request);
  route("POST", "/v1/friends/requests/{network_id}/decline", decline_request);
  route("DELETE", "/v1/friends/requests/{network_id}", cancel_request);
  route("GET", "/v1/friends", list_friends);
  route("DELETE", "/v1/friends/{network_id}", unfriend);
  route("GET", "/v1/blocks", list_blocked);
  route("PUT", "/v1/blocks/{network_id}", block);
  route("DELETE", "/v1/blocks/{network_id}", unblock);
}

}  // namespace mc::social
