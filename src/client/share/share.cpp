#include "client/share/share.hpp"

#include <boost/json.hpp>
#include <thread>

#include "core/random.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace json = boost::json;

namespace {
constexpr int kAttempts = 8;
}

Result<wire::Share> send_share(Connection& conn, ShareMessage msg) {
  if (msg.client_id.empty()) msg.client_id = to_hex(random_bytes(16));
  json::object body{{"note", msg.note}, {"client_id", msg.client_id}};
  if (!msg.forward_of.empty()) body["forward_of"] = msg.forward_of;
  else body["resource_id"] = msg.resource_id;
  if (!msg.to.empty()) body["to"] = json::value_from(msg.to);
  if (!msg.to_groups.empty()) body["to_groups"] = json::value_from(msg.to_groups);
  if (msg.to_friends) body["to_friends"] = true;
  if (msg.to_contacts) body["to_contacts"] = true;
  json::value v = body;
  auto delay = std::chrono::milliseconds(100);
  for (int attempt = 1;; ++attempt) {
    auto r = conn.call("POST", "/v1/shares", &v);
    if (r) return wire::from_json<wire::Share>(*r, "share");
    // Only a lost answer is retried; the server's own "no" is final.
    if (r.error().code != "network" || attempt == kAttempts) return r.error();
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(3000));
  }
}

Result<std::vector<wire::Receipt>> share_receipts(Connection& conn, const std::string& share_id) {
  MC_TRY(auto answer, conn.call("GET", "/v1/shares/" + url_encode(share_id) + "/receipts"));
  MC_TRY(auto r, wire::from_json<wire::ShareReceipts>(answer));
  return std::move(r.receipts);
}

Result<std::int64_t> revoke_share(Connection& conn, const std::string& share_id) {
  MC_TRY(auto answer, conn.call("DELETE", "/v1/shares/" + url_encode(share_id)));
  const auto* o = answer.if_object();
  const auto* at = o ? o->if_contains("revoked_at") : nullptr;
  if (!at || !at->is_int64()) {
    return Error{ErrorKind::kInternal, "unexpected_answer", "the server's answer to a revoke has no revoked_at"};
  }
  return at->as_int64();
}

}  // namespace mc::client
