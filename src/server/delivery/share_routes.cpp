// POST /v1/shares (shares and forwards, idempotent by client_id, to users
// and groups), GET /v1/shares/{id}, GET /v1/shares/{id}/receipts.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <optional>

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"
#include "core/wire/codec.hpp"
#include "server/accounts/user_lookup.hpp"
#include "server/delivery/delivery_routes.hpp"
#include "server/delivery/item_json.hpp"
#include "server/net/http_error.hpp"
#include "server/popularity_counts.hpp"
#include "server/social/group_routes.hpp"
#include "store/rules/access_rules.hpp"
#include "store/rules/delivery_rules.hpp"

namespace mc::delivery {

namespace json = boost::json;
using net::error_response;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;
using wire::ItemKind;

namespace {

Status validate_client_id(const std::string& id) {
  bool ok = !id.empty() && id.size() <= 64;
  for (char c : id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  if (!ok) return Error::invalid_argument("invalid_client_id", "client_id has 1 to 64 of A-Z, a-z, 0-9, '_', '-'");
  return {};
}

// What a send means, so that a reused client_id can be told from a retry.
std::string fingerprint(const std::string& what, std::vector<std::string> to, std::vector<std::string> groups,
                        const std::string& note, bool to_friends, bool to_contacts) {
  std::sort(to.begin(), to.end());
  std::sort(groups.begin(), groups.end());
  std::string s = what + "\n";
  for (const auto& t : to) s += t + ",";
  s += "\n";
  for (const auto& g : groups) s += g + ",";
  // Sends that name no friends or contacts keep the fingerprint they had
  // before these existed.
  if (to_friends) s += "\nfriends";
  if (to_contacts) s += "\ncontacts";
  return sha256_hex(s + "\n" + note);
}

// What a share request comes to before its write: the share to store, or
// an answer already (an idempotent replay).
struct PreparedShare {
  store::NewShare share;
  store::Resource resource;
  std::optional<HttpResponse> answer;
};

// A share request as the client sent it, validated field by field.
struct ShareRequest {
  std::optional<std::string> resource_id, forward_of, client_id;
  std::vector<std::string> to, to_groups;
  bool to_friends = false, to_contacts = false;
  std::string note;
  std::string kind() const { return forward_of ? "forward" : "share"; }
  // What the send means, so that a reused client_id can be told from a retry.
  std::string meaning() const {
    return fingerprint(kind() + ":" + (forward_of ? *forward_of : *resource_id), to, to_groups, note, to_friends,
                       to_contacts);
  }
};

Result<ShareRequest> parse_share_request(const std::string& text) {
  MC_TRY(auto body, parse_json_object(text));
  ShareRequest r;
  MC_TRY(r.resource_id, string_field(body, "resource_id", false, 64));
  MC_TRY(r.forward_of, string_field(body, "forward_of", false, 64));
  MC_TRY(auto to, string_list_field(body, "to", false, kMaxRecipients, 64));
  MC_TRY(auto to_groups, string_list_field(body, "to_groups", false, 100, 64));
  MC_TRY(auto note, string_field(body, "note", false, 2000));
  MC_TRY(r.client_id, string_field(body, "client_id", false, 64));
  if (r.client_id) MC_TRY_STATUS(validate_client_id(*r.client_id));
  if (r.resource_id.has_value() == r.forward_of.has_value()) {
    return Error::invalid_argument("missing_field", "give exactly one of 'resource_id' and 'forward_of'");
  }
  for (auto [name, flag] : {std::pair{"to_friends", &r.to_friends}, std::pair{"to_contacts", &r.to_contacts}}) {
    if (const auto* v = body.if_contains(name)) {
      if (!v->is_bool())
        return Error::invalid_argument("invalid_field", "field '" + std::string(name) + "' is true or false");
      *flag = v->as_bool();
    }
  }
  r.to = to.value_or(std::vector<std::string>{});
  r.to_groups = to_groups.value_or(std::vector<std::string>{});
  r.note = note.value_or("");
  return r;
}

// A forward re-shares an item the caller received, keeping its provenance.
// A share or forward of a resource needs it published and the sender able
// to read it; from anyone but its provider, a restricted one must also be
// shareable (its recipients could not read it otherwise), and a user who
// reads it only through a share passes it on only as a forward of that
// share (`parent`): so its sender's revocation and its time limit reach
// every copy (a forward inherits both: store/delivery_store.hpp). Decided
// from a fresh read, never from the cached record. Errors: resource_gone
// (410), access_denied, not_shareable, share_revoked (403).
Status check_may_send(DeliveryContext& d, const Caller& caller, const std::string& resource_id,
                      const store::Share* parent) {
  if (parent && parent->revoked_at) {
    return Error::permission_denied("share_revoked",
                                    "its sender revoked share '" + parent->id + "': it can no longer be forwarded");
  }
  MC_TRY(auto facts, d.catalog.access_facts(resource_id, caller.user_id));
  if (facts.resource.gone) {
    return Error::not_found("resource_gone", "resource '" + resource_id + "' was unpublished: it cannot be shared");
  }
  std::optional<std::int64_t> received;
  if (store::rules::needs_share_fact(facts, caller.user_id)) {
    MC_TRY(received, d.deliveries.received_share_at(caller.user_id, resource_id));
  }
  MC_TRY_STATUS(store::rules::check_read(facts, caller.user_id, received, now_ms()));
  bool restricted_to_others = facts.publisher_id != caller.user_id && facts.resource.access == "restricted";
  if (restricted_to_others && !facts.resource.shareable) {
    return Error::permission_denied("not_shareable", "its provider does not let resource '" + resource_id +
                                                         "' be shared: its recipients could not read it");
  }
  if (restricted_to_others && !facts.granted && !parent) {
    return Error::permission_denied("access_denied", "resource '" + resource_id +
                                                         "' is restricted and was shared with you: forward the "
                                                         "item you received instead");
  }
  return {};
}

Status resolve_forward(DeliveryContext& d, const Caller& caller, const std::string& item_id, PreparedShare& p) {
  MC_TRY(auto item, d.deliveries.get_item(caller.user_id, item_id));
  if (item.kind != ItemKind::kShare && item.kind != ItemKind::kForward) {
    return Error::failed_precondition("not_forwardable", "only shares and forwards can be forwarded");
  }
  MC_TRY(auto parent, d.deliveries.get_share(item.share_id));
  MC_TRY_STATUS(check_may_send(d, caller, item.resource.id, &parent));
  p.share.kind = ItemKind::kForward;
  p.share.resource_id = item.resource.id;
  p.resource = item.resource;
  p.share.parent_share_id = parent.id;
  p.share.chain = parent.chain;
  p.share.chain.push_back(parent.sender);
  return {};
}

// Recipients: the users named in "to", the members of the caller's groups
// named in "to_groups" (without the caller), and with "to_friends" and
// "to_contacts" the caller's friends and matched contacts, once each.
// Groups first: they are always read from the store, so a share to a group
// leaves the I/O thread before the names are resolved, not after. Who of
// them accepts shares from the caller is decided in the write
// (store/rules/reach_rules.hpp).
Status resolve_recipients(DeliveryContext& d, const Caller& caller, const ShareRequest& r, store::NewShare& share) {
  std::map<std::int64_t, std::string> recipients;  // user id -> network ID
  for (const auto& g : r.to_groups) {
    MC_TRY_STATUS(social::validate_group_name(g));
    MC_TRY(auto group, d.groups.get_group(caller.user_id, g));
    for (const auto& m : group.members) {
      if (m.user_id != caller.user_id) recipients.emplace(m.user_id, m.network_id);
    }
  }
  auto add_people = [&](const std::vector<store::Person>& people) {
    for (const auto& p : people) recipients.emplace(p.user_id, p.network_id);
  };
  if (r.to_friends) {
    MC_TRY(auto friends, d.social.friends(caller.user_id));
    add_people(friends);
  }
  if (r.to_contacts) {
    MC_TRY(auto contacts, d.social.contacts(caller.user_id));
    add_people(contacts);
  }
  if (!r.to.empty()) {
    MC_TRY(auto users, accounts::resolve_users(d.accounts, r.to, "unknown_recipient"));
    for (const auto& u : users) recipients.emplace(u.id, u.network_id);
  }
  if (recipients.empty()) {
    return Error::invalid_argument("no_recipients",
                                   "'to', 'to_groups', 'to_friends' and 'to_contacts' name no recipient");
  }
  if (recipients.size() > kMaxRecipients) {
    return Error::invalid_argument("too_many_recipients",
                                   "a share reaches at most " + std::to_string(kMaxRecipients) + " users");
  }
  for (const auto& [id, name] : recipients) {
    share.recipient_ids.push_back(id);
    share.recipient_names.push_back(name);
  }
  return {};
}

// Everything a valid request comes to before its write.
Result<PreparedShare> resolve_share(DeliveryContext& d, const Caller& caller, const ShareRequest& r) {
  PreparedShare p;
  store::NewShare& share = p.share;
  share.id = new_id("s_");
  share.sender_id = caller.user_id;
  share.sender = caller.network_id;
  share.note = r.note;
  share.created_at = now_ms();
  share.client_id = r.client_id;
  share.fingerprint = r.meaning();
  if (r.forward_of) {
    MC_TRY_STATUS(resolve_forward(d, caller, *r.forward_of, p));
  } else {
    MC_TRY(p.resource, d.catalog.get_resource(*r.resource_id));
    MC_TRY_STATUS(check_may_send(d, caller, p.resource.id, nullptr));
    share.resource_id = p.resource.id;
  }
  MC_TRY_STATUS(resolve_recipients(d, caller, r, share));
  return p;
}

// Authenticated by the router; validates and resolves a share request:
// everything but the write. Changes nothing, so that it can be started
// over: it runs first on the I/O thread, where a store read throws
// WouldBlock, and then, if it must read, from the beginning on a worker.
Result<PreparedShare> prepare_share(DeliveryContext& d, HttpRequest& req) {
  const Caller& caller = req.user();
  MC_TRY(auto r, parse_share_request(req.body));
  auto prepared = resolve_share(d, caller, r);
  if (prepared || !r.client_id) return prepared;
  // A retry gets the first answer even if what it names has changed since
  // (a group emptied, an item gone). Only a send that no longer validates
  // is looked up here; a retry that validates is recognised by the write
  // itself, on the writer, without a read on every send.
  MC_TRY(auto seen, d.deliveries.find_by_client_id(caller.user_id, *r.client_id));
  if (!seen) return prepared;  // the validation error
  MC_TRY_STATUS(store::rules::check_replay(*r.client_id, seen->second, r.meaning()));
  HttpResponse res = json_response(201, {{"share", wire::to_json(to_wire(seen->first))}});
  res.headers.emplace_back("Idempotent-Replay", "true");
  PreparedShare replay;
  replay.answer = std::move(res);
  return replay;
}

// The answer to a share whose write has finished, after waking the
// recipients' streams. Runs on the sender's connection thread (CPU only):
// the writer thread, which every other write waits for, only hands it over.
HttpResponse finish_share(DeliveryContext& d, const store::Resource& resource, Result<store::ShareOutcome> outcome) {
  if (!outcome) return error_response(outcome.error());
  const store::Share& share = outcome->share;
  HttpResponse res = json_response(201, {{"share", wire::to_json(to_wire(share))}});
  if (outcome->replayed) {
    res.headers.emplace_back("Idempotent-Replay", "true");
    return res;
  }
  // Committed and fsynced: now wake the recipients' streams, each with its
  // new item. The part of the frame all recipients share is rendered once.
  wire::InboxItem common;
  common.kind = share.kind;
  common.share_id = share.id;
  common.sender = share.sender;
  common.note = share.note;
  common.created_at = share.created_at;
  common.chain = share.chain;
  common.resource = resource;
  auto shared_part = std::make_shared<const std::string>(wire::item_shared_part(common));
  server::popularity_counts().count_share(resource.id);
  d.pushes.record_signals_later(
      {{share.sender_id, resource.id, share.kind == ItemKind::kForward ? "forwarded" : "shared", share.created_at}});
  d.bus.publish_items(outcome->deliveries, shared_part);
  spdlog::debug("event=share_created id={} kind={} from={} recipients={}", share.id, wire::item_kind_name(share.kind),
                share.sender, outcome->deliveries.size());
  return res;
}

// No thread waits for the group commit: the writer answers the connection.
Status create_share(DeliveryContext& d, HttpRequest& req, const net::Responder& reply) {
  MC_TRY(auto prepared, prepare_share(d, req));
  if (prepared.answer) {
    reply(std::move(*prepared.answer));
    return {};
  }
  d.deliveries.create_share_async(std::move(prepared.share), [&d, resource = std::move(prepared.resource),
                                                              reply](auto outcome) mutable {
    auto done = std::make_shared<Result<store::ShareOutcome>>(std::move(outcome));
    reply.later([&d, resource, done]() mutable { return finish_share(d, resource, std::move(*done)); });
  });
  return {};
}

// The share, if the caller sent it. Someone else's share is "not found":
// its existence is none of their business.
Result<store::Share> own_share(DeliveryContext& d, HttpRequest& req) {
  MC_TRY(auto share, d.deliveries.get_share(req.path_params["id"]));
  if (share.sender_id != req.user().user_id) {
    return Error::not_found("share_not_found", "no share with id '" + req.path_params["id"] + "' sent by you");
  }
  return share;
}

Result<HttpResponse> get_share(DeliveryContext& d, HttpRequest& req) {
  MC_TRY(auto share, own_share(d, req));
  return json_response(200, {{"share", wire::to_json(to_wire(share))}});
}

// Revokes a share and the forwards made from it: their recipients lose the
// access it gave them to a restricted resource. The items stay in their inboxes.
Result<HttpResponse> revoke_share(DeliveryContext& d, HttpRequest& req) {
  MC_TRY(auto share, own_share(d, req));
  MC_TRY_STATUS(d.deliveries.revoke_share(share.id, now_ms()));
  MC_TRY(auto revoked, d.deliveries.get_share(share.id));
  spdlog::info("event=share_revoked id={} by={}", share.id, req.user().network_id);
  return json_response(200, {{"share", wire::to_json(to_wire(revoked))}, {"revoked_at", *revoked.revoked_at}});
}

Result<HttpResponse> get_receipts(DeliveryContext& d, HttpRequest& req) {
  MC_TRY(auto share, own_share(d, req));
  MC_TRY(auto list, d.deliveries.receipts(share.id));
  return json_response(200, wire::to_json(wire::ShareReceipts{share.id, std::move(list)}));
}

}  // namespace

void register_share_routes(net::Router& router, DeliveryContext& d) {
  using net::Access;
  // Inline first: with the caller's session, the resource and the
  // recipients in memory, a share reads nothing before its write.
  router.add_async(
      "POST", "/v1/shares", Access::kUser,
      [&d](HttpRequest& req, net::Responder reply) { return create_share(d, req, reply); },
      net::Router::Start::kInlineFirst);
  router.add("GET", "/v1/shares/{id}", Access::kUser, [&d](HttpRequest& req) { return get_share(d, req); });
  router.add("GET", "/v1/shares/{id}/receipts", Access::kUser, [&d](HttpRequest& req) { return get_receipts(d, req); });
  router.add("DELETE", "/v1/shares/{id}", Access::kUser, [&d](HttpRequest& req) { return revoke_share(d, req); });
}

}  // namespace mc::delivery
