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
#include "server/accounts/user_lookup.hpp"
#include "server/delivery/delivery_routes.hpp"
#include "server/delivery/item_json.hpp"
#include "server/net/http_error.hpp"
#include "server/social/group_routes.hpp"

namespace mc::delivery {

namespace json = boost::json;
using net::error_response;
using net::HttpRequest;
using net::HttpResponse;
using net::json_response;

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
                        const std::string& note) {
  std::sort(to.begin(), to.end());
  std::sort(groups.begin(), groups.end());
  std::string s = what + "\n";
  for (const auto& t : to) s += t + ",";
  s += "\n";
  for (const auto& g : groups) s += g + ",";
  return sha256_hex(s + "\n" + note);
}

// What a share request comes to before its write: the share to store, or
// an answer already (an idempotent replay).
struct PreparedShare {
  store::NewShare share;
  store::Resource resource;
  std::optional<HttpResponse> answer;
};

// Authenticates, validates and resolves a share request: everything but the
// write. Changes nothing, so that it can be started over: it runs first on
// the I/O thread, where a store read throws WouldBlock, and then, if it must
// read, from the beginning on a worker.
Result<PreparedShare> prepare_share(DeliveryDeps& d, HttpRequest& req) {
  auto caller = d.auth.authenticate(req);
  if (!caller) return caller.error();
  auto body = parse_json_object(req.body);
  if (!body) return body.error();
  auto resource_id = string_field(*body, "resource_id", false, 64);
  if (!resource_id) return resource_id.error();
  auto forward_of = string_field(*body, "forward_of", false, 64);
  if (!forward_of) return forward_of.error();
  auto to = string_list_field(*body, "to", false, kMaxRecipients, 64);
  if (!to) return to.error();
  auto to_groups = string_list_field(*body, "to_groups", false, 100, 64);
  if (!to_groups) return to_groups.error();
  auto note = string_field(*body, "note", false, 2000);
  if (!note) return note.error();
  auto client_id = string_field(*body, "client_id", false, 64);
  if (!client_id) return client_id.error();
  if (*client_id) {
    if (auto st = validate_client_id(**client_id); !st) return st.error();
  }
  if (resource_id->has_value() == forward_of->has_value()) {
    return Error::invalid_argument("missing_field", "give exactly one of 'resource_id' and 'forward_of'");
  }
  std::vector<std::string> names = to->value_or(std::vector<std::string>{});
  std::vector<std::string> groups = to_groups->value_or(std::vector<std::string>{});
  std::string kind = *forward_of ? "forward" : "share";
  std::string meaning = fingerprint(kind + ":" + (*forward_of ? **forward_of : **resource_id), names, groups,
                                    note->value_or(""));
  auto resolve = [&]() -> Result<PreparedShare> {
    PreparedShare prepared;
    store::NewShare& share = prepared.share;
    share.id = new_id("s_");
    share.sender_id = caller->user_id;
    share.sender = caller->network_id;
    store::Resource& resource = prepared.resource;
    share.note = note->value_or("");
    share.created_at = now_ms();
    share.client_id = *client_id;
    if (*forward_of) {
      // A forward re-shares an item the caller received, keeping its provenance.
      auto item = d.deliveries.get_item(caller->user_id, **forward_of);
      if (!item) return item.error();
      if (item->kind != "share" && item->kind != "forward") {
        return Error::invalid_argument("not_forwardable", "only shares and forwards can be forwarded");
      }
      auto parent = d.deliveries.get_share(item->share_id);
      if (!parent) return parent.error();
      share.kind = "forward";
      share.resource_id = item->resource.id;
      resource = item->resource;
      share.parent_share_id = parent->id;
      share.chain = parent->chain;
      share.chain.push_back(parent->sender);
    } else {
      auto found = d.catalog.get_resource(**resource_id);
      if (!found) return found.error();
      resource = *found;
      share.resource_id = resource.id;
    }

    // Recipients: the users named in "to" and the members of the caller's
    // groups named in "to_groups" (without the caller), once each.
    // Groups first: they are always read from the store, so a share to a
    // group leaves the I/O thread before the names are resolved, not after.
    std::map<std::int64_t, std::string> recipients;  // user id -> network ID
    for (const auto& g : groups) {
      if (auto st = social::validate_group_name(g); !st) return st.error();
      auto group = d.groups.get_group(caller->user_id, g);
      if (!group) return group.error();
      for (const auto& m : group->members) {
        if (m.user_id != caller->user_id) recipients.emplace(m.user_id, m.network_id);
      }
    }
    if (!names.empty()) {
      auto users = accounts::resolve_users(d.accounts, names, "unknown_recipient");
      if (!users) return users.error();
      for (const auto& u : *users) recipients.emplace(u.id, u.network_id);
    }
    if (recipients.empty()) {
      return Error::invalid_argument("no_recipients", "'to' and 'to_groups' name no recipient");
    }
    if (recipients.size() > kMaxRecipients) {
      return Error::invalid_argument("too_many_recipients",
                                "a share reaches at most " + std::to_string(kMaxRecipients) + " users");
    }
    for (const auto& [id, name] : recipients) {
      share.recipient_ids.push_back(id);
      share.recipient_names.push_back(name);
    }
    share.fingerprint = meaning;
    return prepared;
  };
  auto prepared = resolve();
  if (prepared || !*client_id) return prepared;
  // A retry gets the first answer even if what it names has changed since
  // (a group emptied, an item gone). Only a send that no longer validates
  // is looked up here; a retry that validates is recognised by the write
  // itself, on the writer, without a read on every send.
  auto seen = d.deliveries.find_by_client_id(caller->user_id, **client_id);
  if (!seen) return seen.error();
  if (!*seen) return prepared;  // the validation error
  if ((*seen)->second != meaning) {
    return Error::already_exists("client_id_reused", "client_id '" + **client_id + "' was already used for a different share");
  }
  HttpResponse res = json_response(201, {{"share", share_json((*seen)->first)}});
  res.headers.emplace_back("Idempotent-Replay", "true");
  PreparedShare replay;
  replay.answer = std::move(res);
  return replay;
}

// The answer to a share whose write has finished, after waking the
// recipients' streams. Runs on the sender's connection thread (CPU only):
// the writer thread, which every other write waits for, only hands it over.
HttpResponse finish_share(DeliveryDeps& d, const store::Resource& resource, Result<store::ShareOutcome> outcome) {
  if (!outcome) return error_response(outcome.error());
  const store::Share& share = outcome->share;
  HttpResponse res = json_response(201, {{"share", share_json(share)}});
  if (outcome->replayed) {
    res.headers.emplace_back("Idempotent-Replay", "true");
    return res;
  }
  // Committed and fsynced: now wake the recipients' streams, each with its
  // new item. The part of the frame all recipients share is rendered once.
  store::InboxItem common;
  common.kind = share.kind;
  common.share_id = share.id;
  common.sender = share.sender;
  common.note = share.note;
  common.created_at = share.created_at;
  common.chain = share.chain;
  common.resource = resource;
  auto shared_part = std::make_shared<const std::string>(item_shared_part(common));
  for (const auto& dl : outcome->deliveries) {
    net::ItemHint hint{dl.seq, dl.item_id, shared_part};
    d.hub.publish(dl.user_id, &hint);
  }
  spdlog::debug("event=share_created id={} kind={} from={} recipients={}", share.id, share.kind, share.sender,
                outcome->deliveries.size());
  return res;
}

// No thread waits for the group commit: the writer answers the connection.
void create_share(DeliveryDeps& d, HttpRequest& req, const net::Responder& reply) {
  auto prepared = prepare_share(d, req);
  if (!prepared) return reply(error_response(prepared.error()));
  if (prepared->answer) return reply(std::move(*prepared->answer));
  d.deliveries.create_share_async(
      std::move(prepared->share), [d, resource = std::move(prepared->resource), reply](auto outcome) mutable {
        auto done = std::make_shared<Result<store::ShareOutcome>>(std::move(outcome));
        reply.later([d, resource, done]() mutable { return finish_share(d, resource, std::move(*done)); });
      });
}

// The share, if the caller sent it. Someone else's share is "not found":
// its existence is none of their business.
Result<store::Share> own_share(DeliveryDeps& d, HttpRequest& req) {
  auto caller = d.auth.authenticate(req);
  if (!caller) return caller.error();
  auto share = d.deliveries.get_share(req.path_params["id"]);
  if (!share) return share.error();
  if (share->sender_id != caller->user_id) {
    return Error::not_found("share_not_found", "no share with id '" + req.path_params["id"] + "' sent by you");
  }
  return share;
}

HttpResponse get_share(DeliveryDeps& d, HttpRequest& req) {
  auto share = own_share(d, req);
  if (!share) return error_response(share.error());
  return json_response(200, {{"share", share_json(*share)}});
}

HttpResponse get_receipts(DeliveryDeps& d, HttpRequest& req) {
  auto share = own_share(d, req);
  if (!share) return error_response(share.error());
  auto list = d.deliveries.receipts(share->id);
  if (!list) return error_response(list.error());
  json::array arr;
  for (const auto& r : *list) {
    json::object o{{"network_id", r.network_id}, {"hidden", r.hidden}};
    o["delivered_at"] = r.delivered_at ? json::value(*r.delivered_at) : json::value(nullptr);
    o["opened_at"] = r.opened_at ? json::value(*r.opened_at) : json::value(nullptr);
    arr.emplace_back(std::move(o));
  }
  return json_response(200, {{"share_id", share->id}, {"receipts", arr}});
}

}  // namespace

void register_share_routes(net::Router& router, DeliveryDeps deps) {
  // Inline first: with the caller's session, the resource and the
  // recipients in memory, a share reads nothing before its write.
  router.add_async(
      "POST", "/v1/shares",
      [deps](HttpRequest& req, net::Responder reply) mutable { create_share(deps, req, reply); },
      net::Router::Start::kInlineFirst);
  router.add("GET", "/v1/shares/{id}", [deps](HttpRequest& req) mutable { return get_share(deps, req); });
  router.add("GET", "/v1/shares/{id}/receipts", [deps](HttpRequest& req) mutable { return get_receipts(deps, req); });
}

}  // namespace mc::delivery
