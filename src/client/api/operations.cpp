#include "client/api/operations.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "client/account/account.hpp"
#include "client/acquire/catalog.hpp"
#include "client/acquire/download.hpp"
#include "client/api/request.hpp"
#include "client/handlers/handler_source.hpp"
#include "client/handlers/installed.hpp"
#include "client/handlers/keys.hpp"
#include "client/handlers/open_with_handler.hpp"
#include "client/local/client_config.hpp"
#include "client/open/open.hpp"
#include "client/push/pushes.hpp"
#include "client/share/share.hpp"
#include "client/social/address_book_match.hpp"
#include "client/social/groups.hpp"
#include "client/social/people.hpp"
#include "client/sync/inbox.hpp"
#include "client/view/render_text.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace json = boost::json;

namespace {

using Answer = Result<json::object>;

constexpr std::int64_t kMaxListing = INT64_MAX;  // any: the library pages through the server

// ---- accounts -------------------------------------------------------------

// register and login answer alike: who is logged in, where.
Answer log_in(MessageCenter& mc, const json::object& req, bool register_first) {
  MC_TRY(auto r, RequestReader::of(req, {"network_id", "password"}));
  MC_TRY(auto id, r.required_string("network_id", 64));
  MC_TRY(auto pw, r.required_string("password", 4096));
  MC_TRY(auto conn, mc.anonymous());
  if (register_first) MC_TRY_STATUS(register_account(*conn, id, pw));
  Profile old = mc.profile();
  // Keep the device id across logins of the same user: it names this
  // install, and the server keeps this device's cursor under it.
  std::string device = old.network_id == id ? old.device_id : std::string();
  MC_TRY(auto l, login(*conn, id, pw, device));
  std::string server = mc.server();
  Profile p = old;
  p.server = server;
  p.network_id = l.user.network_id;
  p.token = l.token;
  p.device_id = l.device_id;
  MC_TRY_STATUS(mc.save(p));
  // A follow of the previous login would go on with its token and its
  // local store: a login ends it (follow again to go on).
  mc.stop_follow();
  json::object out{{"network_id", l.user.network_id},
                   {"role", role_name(l.user.role)},
                   {"device_id", l.device_id},
                   {"server", server}};
  // The provider's handler publishing keys are pinned at the first login
  // (trust on first use, unless config.toml names them); the ids are shown
  // for the user to compare with what the provider publishes.
  // Pinning is not the login: a failure here is retried when a handler is
  // first needed.
  auto config = load_client_config(mc.home());
  auto logged = mc.logged_in();
  if (config && logged) {
    if (auto pinned = pin_server_keys(**logged, mc.home(), *config)) {
      json::array ids;
      for (const auto& k : *pinned) ids.emplace_back(k);
      out["pinned_handler_keys"] = std::move(ids);
    }
  }
  return out;
}

Answer op_register(MessageCenter& mc, const json::object& req, const CallOptions&) { return log_in(mc, req, true); }
Answer op_login(MessageCenter& mc, const json::object& req, const CallOptions&) { return log_in(mc, req, false); }

// Closes the account on the server (its personal data goes; the network
// ID stays taken) and forgets this profile's login.
Answer op_close_account(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"password"}));
  MC_TRY(auto pw, r.required_string("password", 4096));
  mc.stop_follow();
  {
    MC_TRY(auto conn, mc.logged_in());
    json::value body = json::object{{"password", pw}};
    MC_TRY_STATUS(conn->call("DELETE", "/v1/me", &body));
  }
  Profile p = mc.profile();
  const std::string closed = p.network_id;
  p.token.clear();
  MC_TRY_STATUS(mc.save(p));
  return json::object{{"closed", closed}};
}

Answer op_logout(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY_STATUS(RequestReader::of(req, {}));  // takes no fields
  mc.stop_follow();
  {
    MC_TRY(auto conn, mc.logged_in());
    // A login the server already forgot is as good as ended.
    if (auto st = logout(*conn); !st && !st.error().is(ErrorKind::kUnauthenticated)) return st.error();
  }
  Profile p = mc.profile();
  p.token.clear();
  MC_TRY_STATUS(mc.save(p));
  return json::object{};
}

Answer op_whoami(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY_STATUS(RequestReader::of(req, {}));  // takes no fields
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto u, whoami(*conn));
  return wire::to_json(u);
}

Answer op_status(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY_STATUS(RequestReader::of(req, {}));  // takes no fields
  Profile p = mc.profile();
  json::object o{
      {"server", mc.server()}, {"home", mc.home()}, {"logged_in", !p.token.empty()}, {"following", mc.following()}};
  if (!p.token.empty()) o["network_id"] = p.network_id;
  if (!p.device_id.empty()) o["device_id"] = p.device_id;
  if (!p.device_name.empty()) o["device_name"] = p.device_name;
  return o;
}

// The profile's fields (docs/protocol.md "Profile"), passed to the server as
// given: it checks them.
constexpr std::string_view kProfileFields[] = {"display_name", "region", "findable", "who_may_share",
                                               "who_may_request"};

// Receipts live with the account, the rest with the profile: one
// operation shows and changes both.
Answer op_settings(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"receipts", "display_name", "region", "findable", "who_may_share",
                                         "who_may_request"}));
  MC_TRY(auto receipts, r.boolean("receipts"));
  json::object change;
  for (auto name : kProfileFields) {
    if (const auto* v = req.if_contains(name)) change[name] = *v;
  }
  MC_TRY(auto conn, mc.logged_in());
  // The profile first: it is what the server checks most, and a refused
  // change must leave receipts as they were too.
  auto p = profile(*conn, change);
  // A server from before profiles has none to show; a change needs one.
  if (!p && (!change.empty() || !p.error().is(ErrorKind::kNotFound))) return p.error();
  wire::Settings settings;
  if (receipts) {
    MC_TRY(settings, set_send_receipts(*conn, *receipts));
  } else {
    MC_TRY(auto u, whoami(*conn));
    settings = u.settings.value_or(wire::Settings{});
  }
  json::object out = wire::to_json(settings);
  const json::value* fields = p ? p->if_contains("profile") : nullptr;
  if (fields && fields->is_object()) {
    for (const auto& [k, v] : fields->as_object()) out[k] = v;
  }
  return out;
}

// ---- catalog --------------------------------------------------------------

// An operation that takes {"id"} and answers the record `Fetch` gives for
// it: describing a resource, reading one inbox item.
template <auto Fetch>
Answer by_id(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"id"}));
  MC_TRY(auto id, r.required_string("id", 128));
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto record, Fetch(*conn, id));
  return wire::to_json(record);
}

// Progress for a call: the caller's function, else events, at most ten a
// second and always the last.
ProgressFn progress_for(MessageCenter& mc, const CallOptions& o, std::string_view operation, const std::string& id) {
  if (o.progress) return o.progress;
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [&mc, last, op = std::string(operation), id](std::uint64_t done, std::uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - *last < std::chrono::milliseconds(100)) return;
    *last = now;
    mc.emit(json::object{{"type", "progress"}, {"operation", op}, {"id", id}, {"done", done}, {"total", total}});
  };
}

// The resource model's fields a publish and an update share, passed to the
// server as given (it checks them: docs/protocol.md "Catalog").
constexpr std::string_view kModelFields[] = {"description", "access", "shareable", "share_access_seconds",
                                             "attributes"};

Result<json::object> model_fields(const json::object& req) {
  json::object out;
  for (auto name : kModelFields) {
    if (const auto* v = req.if_contains(name)) out[name] = *v;
  }
  // msgc passes attributes as JSON text; the C API may pass either.
  if (auto* a = out.if_contains("attributes"); a && a->is_string()) {
    boost::system::error_code ec;
    auto parsed = json::parse(a->as_string(), ec);
    if (ec || !parsed.is_object()) {
      return Error::invalid_argument("invalid_field", "field 'attributes' must be a JSON object");
    }
    *a = std::move(parsed);
  }
  return out;
}

Answer op_publish(MessageCenter& mc, const json::object& req, const CallOptions& o) {
  MC_TRY(auto r, RequestReader::of(req, {"path", "type", "title", "tags", "mime", "description", "access", "shareable",
                                         "share_access_seconds", "attributes"}));
  PublishRequest p;
  MC_TRY(p.path, r.required_string("path"));
  MC_TRY(p.type, r.required_string("type", 32));
  // The server's limits, checked before a large file is hashed and sent.
  MC_TRY(p.title, r.required_string("title", 200));
  MC_TRY(p.tags, r.strings("tags", 20, 32));
  MC_TRY(auto mime, r.string("mime", 255));
  p.mime = mime.value_or("");
  MC_TRY(p.fields, model_fields(req));
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto res, publish_file(*conn, p, progress_for(mc, o, "publish", p.path)));
  json::object out = wire::to_json(res.resource);
  out["uploaded"] = res.uploaded;
  return out;
}

Answer op_catalog(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"type", "after", "limit", "tag", "search", "sort", "cursor"}));
  MC_TRY(auto type, r.string("type", 32));
  MC_TRY(auto after, r.integer("after", 0, INT64_MAX));
  MC_TRY(auto limit, r.integer("limit", 1, kMaxListing));
  CatalogQuery q;
  q.type = type;
  MC_TRY(q.tag, r.string("tag", 32));
  MC_TRY(q.search, r.string("search", 500));
  MC_TRY(q.sort, r.string("sort", 16));
  MC_TRY(q.cursor, r.string("cursor", 4096));
  MC_TRY(auto conn, mc.logged_in());
  // Without browsing fields: the publishing-order listing, any length (paged here).
  if (after || (!q.tag && !q.search && !q.sort && !q.cursor)) {
    MC_TRY(auto page, list_resources(*conn, type, after.value_or(0), limit.value_or(50)));
    return wire::to_json(page);
  }
  if (limit && *limit > 200) {
    return Error::invalid_argument("invalid_field",
                                   "a browsing or search page holds at most 200 resources: continue with its cursor");
  }
  q.limit = limit.value_or(50);
  MC_TRY(auto page, browse_resources(*conn, q));
  return wire::to_json(page);
}

// One resource: describe it (any user), or, for its provider, update,
// unpublish, grant, ungrant, grants.
Answer op_resource(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"id", "action", "network_id", "title", "tags", "description", "access",
                                         "shareable", "share_access_seconds", "attributes"}));
  MC_TRY(auto id, r.required_string("id", 128));
  MC_TRY(auto action, r.string("action", 16));
  std::string a = action.value_or("describe");
  static const std::set<std::string> kActions = {"describe", "update", "unpublish", "grant", "ungrant", "grants"};
  if (!kActions.contains(a)) {
    return Error::invalid_argument("invalid_field",
                                   "field 'action' must be describe, update, unpublish, grant, ungrant or grants");
  }
  MC_TRY(auto conn, mc.logged_in());
  if (a == "describe") {
    MC_TRY(auto res, describe_resource(*conn, id));
    return wire::to_json(res);
  }
  if (a == "update") {
    MC_TRY(auto changes, model_fields(req));
    MC_TRY(auto title, r.string("title", 200));
    if (title) changes["title"] = *title;
    if (req.contains("tags")) {
      MC_TRY(auto tags, r.strings("tags", 20, 32));
      changes["tags"] = json::value_from(tags);
    }
    if (changes.empty())
      return Error::invalid_argument("missing_field", "an update needs at least one field to change");
    MC_TRY(auto res, update_resource(*conn, id, changes));
    return wire::to_json(res);
  }
  if (a == "unpublish") {
    MC_TRY(auto res, unpublish_resource(*conn, id));
    return wire::to_json(res);
  }
  if (a == "grants") {
    MC_TRY(auto names, list_grants(*conn, id));
    return json::object{{"id", id}, {"grants", json::value_from(names)}};
  }
  MC_TRY(auto who, r.required_string("network_id", 64));
  if (a == "grant") MC_TRY_STATUS(grant_resource(*conn, id, who));
  else MC_TRY_STATUS(withdraw_grant(*conn, id, who));
  return json::object{{"id", id}, {"network_id", who}, {"granted", a == "grant"}};
}

Answer op_link(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"id", "expires_in"}));
  MC_TRY(auto id, r.required_string("id", 128));
  MC_TRY(auto expires_in, r.integer("expires_in", 1, 86400));
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto link, link_resource(*conn, id, expires_in));
  return json::object{{"id", id}, {"url", link.url}, {"expires_at", link.expires_at}};
}

Answer op_revoke(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"share_id"}));
  MC_TRY(auto share_id, r.required_string("share_id", 128));
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto at, revoke_share(*conn, share_id));
  return json::object{{"share_id", share_id}, {"revoked_at", at}};
}

Answer op_get(MessageCenter& mc, const json::object& req, const CallOptions& o) {
  MC_TRY(auto r, RequestReader::of(req, {"id", "path"}));
  MC_TRY(auto id, r.required_string("id", 128));
  MC_TRY(auto path, r.string("path"));
  MC_TRY(auto conn, mc.logged_in());
  // An inbox item id downloads the item's resource and tells the sender it
  // was opened; a resource id just downloads.
  std::string resource_id = id;
  bool item = id.rfind("i_", 0) == 0;
  if (item) {
    MC_TRY(auto it, get_item(*conn, id));
    if (it.resource.id.empty()) return Error::invalid_argument("no_resource", id + " carries no resource to get");
    resource_id = it.resource.id;
  }
  MC_TRY(auto d, download_resource(*conn, resource_id, path.value_or(""), progress_for(mc, o, "get", resource_id)));
  if (item) MC_TRY_STATUS(mark_opened(*conn, id));
  json::object out{{"resource_id", resource_id},
                   {"path", d.path},
                   {"size", d.size},
                   {"sha256", d.sha256},
                   {"resumed_from", d.resumed_from}};
  if (item) out["item_id"] = id;
  return out;
}

json::object link_json(const Link& l) {
  json::object o{{"n", l.n}, {"text", l.text}, {"href", l.href}};
  if (l.resource_id) o["resource_id"] = *l.resource_id;
  return o;
}

// An interactive handler's intermediate views, for the caller's show
// callback: the view as JSON, and as text when the call gave a width.
std::function<void(const View&)> show_views(const CallOptions& o, std::optional<std::int64_t> width) {
  if (!o.show) return {};
  return [&o, width](const View& v) {
    json::object shown{{"view", to_json(v)}};
    if (width) shown["text"] = render_text(v, static_cast<int>(*width));
    o.show(shown);
  };
}

Answer op_open(MessageCenter& mc, const json::object& req, const CallOptions& o) {
  MC_TRY(auto r, RequestReader::of(req, {"id", "link", "width", "page"}));
  MC_TRY(auto id, r.required_string("id", 128));
  MC_TRY(auto link, r.integer("link", 1, 1000000));
  MC_TRY(auto width, r.integer("width", 20, 1000));
  MC_TRY(auto page, r.integer("page", 1, 1000000000));
  MC_TRY(auto config, load_client_config(mc.home()));
  MC_TRY(auto conn, mc.logged_in());
  OpenOptions oo;
  oo.home = mc.home();
  oo.config = config;
  if (link) oo.link = static_cast<int>(*link);
  oo.progress = progress_for(mc, o, "open", id);
  oo.page = static_cast<int>(page.value_or(1));
  oo.network_id = mc.profile().network_id;
  oo.input = o.input;
  oo.show = show_views(o, width);
  MC_TRY(auto opened, open_resource(*conn, id, oo));
  bool not_fetched = opened.external && !opened.fetched;
  json::object out{{"external", opened.external}, {"fetched", opened.fetched}};
  if (!opened.resource.id.empty()) out["resource"] = wire::to_json(opened.resource);
  if (!opened.path.empty()) out["path"] = opened.path;
  if (opened.item_id) out["item_id"] = *opened.item_id;
  if (opened.followed) out["followed"] = link_json(*opened.followed);
  if (!opened.handler.empty()) {
    out["handler"] = opened.handler;
    out["handler_installed"] = opened.handler_installed;
  }
  if (opened.offline) out["offline"] = true;
  if (opened.handler_refused) {
    json::object refused;
    refused["code"] = opened.handler_refused->code;
    refused["message"] = opened.handler_refused->message;
    out["handler_refused"] = std::move(refused);
  }
  if (!opened.pinned_keys.empty()) {
    json::array ids;
    for (const auto& k : opened.pinned_keys) ids.emplace_back(k);
    out["pinned_handler_keys"] = std::move(ids);
  }
  if (!not_fetched) {
    out["view"] = to_json(opened.view);
    if (width) out["text"] = render_text(opened.view, static_cast<int>(*width));
  }
  return out;
}

// ---- shares ---------------------------------------------------------------

Answer send(MessageCenter& mc, const json::object& req, bool forward) {
  MC_TRY(auto r, RequestReader::of(req, {forward ? "item_id" : "resource_id", "to", "to_groups", "to_friends",
                                         "to_contacts", "note", "client_id"}));
  ShareMessage m;
  MC_TRY((forward ? m.forward_of : m.resource_id), r.required_string(forward ? "item_id" : "resource_id", 128));
  MC_TRY(m.to, r.strings("to"));
  MC_TRY(m.to_groups, r.strings("to_groups"));
  MC_TRY(auto to_friends, r.boolean("to_friends"));
  MC_TRY(auto to_contacts, r.boolean("to_contacts"));
  m.to_friends = to_friends.value_or(false);
  m.to_contacts = to_contacts.value_or(false);
  MC_TRY(auto note, r.string("note", 4096));
  MC_TRY(auto client_id, r.string("client_id", 128));
  m.note = note.value_or("");
  m.client_id = client_id.value_or("");
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto sent, send_share(*conn, m));
  return wire::to_json(sent);
}

Answer op_share(MessageCenter& mc, const json::object& req, const CallOptions&) { return send(mc, req, false); }
Answer op_forward(MessageCenter& mc, const json::object& req, const CallOptions&) { return send(mc, req, true); }

Answer op_receipts(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"share_id"}));
  MC_TRY(auto id, r.required_string("share_id", 128));
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto list, share_receipts(*conn, id));
  return wire::to_json(wire::ShareReceipts{id, std::move(list)});
}

// ---- inbox ----------------------------------------------------------------

Answer op_inbox(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"after", "limit"}));
  MC_TRY(auto after, r.integer("after", 0, INT64_MAX));
  MC_TRY(auto limit, r.integer("limit", 1, kMaxListing));
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto page, list_inbox(*conn, after.value_or(0), limit.value_or(100)));
  return wire::to_json(page);
}

Answer op_follow(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"after"}));
  MC_TRY(auto after, r.integer("after", 0, INT64_MAX));
  MC_TRY_STATUS(mc.start_follow(after));
  return json::object{{"following", true}};
}

Answer op_unfollow(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY_STATUS(RequestReader::of(req, {}));  // takes no fields
  bool was = mc.stop_follow();
  return json::object{{"following", false}, {"was_following", was}};
}

// ---- groups ---------------------------------------------------------------

Answer op_group(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"action", "name", "members"}));
  MC_TRY(auto action, r.required_string("action", 16));
  MC_TRY(auto name, r.string("name", 64));
  MC_TRY(auto members, r.strings("members"));
  if (action != "list" && action != "create" && action != "add" && action != "remove" && action != "delete") {
    return Error::invalid_argument("invalid_field", "field 'action' must be create, add, remove, list or delete");
  }
  if (action != "list" && !name) {
    return Error::invalid_argument("missing_field", "field 'name' is required to " + action + " a group");
  }
  MC_TRY(auto conn, mc.logged_in());
  if (action == "list") {
    MC_TRY(auto groups, list_groups(*conn));
    json::array a;
    for (const auto& g : groups) {
      if (!name || g.name == *name) a.push_back(wire::to_json(g));
    }
    return json::object{{"groups", std::move(a)}};
  }
  if (action == "delete") {
    MC_TRY_STATUS(delete_group(*conn, *name));
    return json::object{{"deleted", *name}};
  }
  MC_TRY(auto g, action == "create" ? create_group(*conn, *name, members)
                 : action == "add"  ? add_to_group(*conn, *name, members)
                                    : remove_from_group(*conn, *name, members));
  return wire::to_json(g);
}

// ---- people -----------------------------------------------------------------

// The user's own phone number and e-mail address: add (a code is sent),
// verify (with that code), remove, list.
Answer op_identity(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"action", "kind", "value", "code"}));
  MC_TRY(auto action, r.required_string("action", 16));
  MC_TRY(auto conn, mc.logged_in());
  if (action == "add") {
    MC_TRY(auto kind, r.required_string("kind", 16));
    MC_TRY(auto value, r.required_string("value", 320));
    return add_identifier(*conn, kind, value);
  }
  if (action == "verify") {
    MC_TRY(auto code, r.required_string("code", 16));
    return verify_identifier(*conn, code);
  }
  if (action == "remove") {
    MC_TRY(auto kind, r.required_string("kind", 16));
    MC_TRY_STATUS(remove_identifier(*conn, kind));
    return json::object{{"removed", kind}};
  }
  if (action == "list") {
    MC_TRY(auto p, profile(*conn, {}));
    const auto* fields = p.if_contains("profile");
    if (fields && fields->is_object()) {
      if (const auto* ids = fields->as_object().if_contains("identifiers")) {
        return json::object{{"identifiers", *ids}};
      }
    }
    return json::object{{"identifiers", json::array{}}};
  }
  return Error::invalid_argument("invalid_field", "field 'action' must be add, verify, remove or list");
}

json::object contact_json(const ContactMatch& c) {
  return {{"network_id", c.network_id}, {"display_name", c.display_name}, {"names", json::value_from(c.names)}};
}

// Address-book import (the file never leaves this terminal: only blinded
// points and matched tags do) and the contacts it found.
Answer op_contacts(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"action", "path", "region"}));
  MC_TRY(auto action, r.string("action", 16));
  MC_TRY(auto conn, mc.logged_in());
  if (action.value_or("list") == "list") {
    MC_TRY(auto list, list_contacts(*conn, mc.home()));
    json::array a;
    for (const auto& c : list) a.emplace_back(contact_json(c));
    return json::object{{"contacts", std::move(a)}};
  }
  if (*action != "import") return Error::invalid_argument("invalid_field", "field 'action' must be import or list");
  MC_TRY(auto path, r.required_string("path"));
  MC_TRY(auto region, r.string("region", 8));
  if (!region) {
    // Numbers without a country code are read in the profile's region.
    MC_TRY(auto p, profile(*conn, {}));
    const auto* fields = p.if_contains("profile");
    const json::value* reg = fields && fields->is_object() ? fields->as_object().if_contains("region") : nullptr;
    region = reg && reg->is_string() ? std::string(reg->as_string()) : std::string();
  }
  MC_TRY(auto report, import_address_book(*conn, path, *region, mc.home()));
  json::array matches, problems;
  for (const auto& c : report.matches) matches.emplace_back(contact_json(c));
  for (const auto& p : report.problems) problems.emplace_back(json::object{{"line", p.line}, {"message", p.message}});
  return json::object{{"format", report.format},           {"entries", report.entries},
                      {"identifiers", report.identifiers}, {"evaluated", report.evaluated},
                      {"matches", std::move(matches)},     {"problems", std::move(problems)}};
}

Answer op_friends(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"action", "network_id", "message"}));
  MC_TRY(auto action, r.string("action", 16));
  MC_TRY(auto id, r.string("network_id", 64));
  MC_TRY(auto message, r.string("message", 500));
  std::string a = action.value_or("list");
  if (a != "list" && a != "requests" && !id) {
    return Error::invalid_argument("missing_field", "field 'network_id' is required to " + a);
  }
  MC_TRY(auto conn, mc.logged_in());
  return friends(*conn, a, id.value_or(""), message.value_or(""));
}

// Blocking (Block) or unblocking one user.
template <bool Block>
Answer op_block(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"network_id"}));
  MC_TRY(auto id, r.required_string("network_id", 64));
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY_STATUS(blocks(*conn, Block ? "block" : "unblock", id));
  return json::object{{Block ? "blocked" : "unblocked", id}};
}

Answer op_blocked(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY_STATUS(RequestReader::of(req, {}));  // takes no fields
  MC_TRY(auto conn, mc.logged_in());
  return blocks(*conn, "list", "");
}

// ---- pushes -----------------------------------------------------------------

// Copies the fields of `req` that are present into a request body: the
// server checks their values.
json::object present_fields(const json::object& req, std::initializer_list<std::string_view> names) {
  json::object out;
  for (auto n : names) {
    if (const auto* v = req.if_contains(n)) out[n] = *v;
  }
  return out;
}

Answer op_campaign(MessageCenter& mc, const json::object& req, const CallOptions&) {
  const std::initializer_list<std::string_view> kBody = {"resource_ids", "message", "audience",
                                                         "starts_at",    "every",   "expires_at"};
  MC_TRY(auto r, RequestReader::of(req, {"action", "campaign_id", "resource_ids", "message", "audience", "starts_at",
                                         "every", "expires_at"}));
  MC_TRY(auto action, r.string("action", 16));
  MC_TRY(auto id, r.string("campaign_id", 128));
  std::string a = action.value_or("list");
  if (a != "list" && a != "create" && !id) {
    return Error::invalid_argument("missing_field", "field 'campaign_id' is required to " + a);
  }
  MC_TRY(auto conn, mc.logged_in());
  return campaigns(*conn, a, id.value_or(""), a == "create" ? present_fields(req, kBody) : json::object{});
}

Answer op_push_settings(MessageCenter& mc, const json::object& req, const CallOptions&) {
  const std::initializer_list<std::string_view> kFields = {"per_day", "per_week", "time_zone", "quiet_hours",
                                                           "opt_out"};
  MC_TRY_STATUS(RequestReader::of(req, kFields));
  MC_TRY(auto conn, mc.logged_in());
  return push_settings(*conn, present_fields(req, kFields));
}

Answer op_why(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"item_id"}));
  MC_TRY(auto id, r.required_string("item_id", 128));
  MC_TRY(auto conn, mc.logged_in());
  return why_pushed(*conn, id);
}

Answer op_dismiss(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"item_id", "not_interested"}));
  MC_TRY(auto id, r.required_string("item_id", 128));
  MC_TRY(auto not_interested, r.boolean("not_interested"));
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY_STATUS(dismiss_push(*conn, id, not_interested.value_or(false)));
  return json::object{{"dismissed", id}, {"not_interested", not_interested.value_or(false)}};
}

Answer op_recommendations(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY_STATUS(RequestReader::of(req, {}));  // takes no fields
  MC_TRY(auto conn, mc.logged_in());
  return recommendations(*conn);
}

// ---- handlers ---------------------------------------------------------------

// The author's and publisher's side of handler packages (docs/handlers.md):
// keygen and run are local (no login, no server); publish signs locally and
// uploads, so the secret key never leaves this machine.
Answer op_handler(MessageCenter& mc, const json::object& req, const CallOptions& o) {
  MC_TRY(auto r, RequestReader::of(req, {"action", "path", "key", "file", "type", "mime", "title", "page", "width"}));
  MC_TRY(auto action, r.required_string("action", 16));
  if (action != "keygen" && action != "publish" && action != "run") {
    return Error::invalid_argument("invalid_field", "field 'action' must be keygen, publish or run");
  }
  MC_TRY(auto path, r.required_string("path"));
  if (action == "keygen") {
    MC_TRY(auto k, write_handler_key_pair(path));
    return json::object{{"key_id", k.key_id},
                        {"secret_key_path", k.secret_key_path},
                        {"public_key_path", k.public_key_path}};
  }
  if (action == "publish") {
    MC_TRY(auto key, r.required_string("key"));
    MC_TRY(auto conn, mc.logged_in());
    MC_TRY(auto h, publish_handler(*conn, path, key));
    return json::object{{"handler", wire::to_json(h)}};
  }
  LocalRun run;
  run.dir = path;
  MC_TRY(run.file, r.required_string("file"));
  MC_TRY(auto type, r.string("type", 64));
  MC_TRY(auto mime, r.string("mime", 255));
  MC_TRY(auto title, r.string("title", 200));
  MC_TRY(auto page, r.integer("page", 1, 1000000000));
  MC_TRY(auto width, r.integer("width", 20, 1000));
  run.type = type.value_or("");
  run.mime = mime.value_or("");
  run.title = title.value_or("");
  run.page = static_cast<int>(page.value_or(1));
  run.input = o.input;
  run.show = show_views(o, width);
  MC_TRY(auto result, run_handler_dir(run, mc.home()));
  json::object out{{"view", to_json(result.view)}, {"instructions", result.instructions_used}};
  if (width) out["text"] = render_text(result.view, static_cast<int>(*width));
  return out;
}

json::object installed_json(const InstalledHandler& h) {
  return {{"name", h.name},
          {"version", h.version},
          {"kinds", json::value_from(h.kinds)},
          {"mimes", json::value_from(h.mimes)},
          {"sha256", h.sha256},
          {"key_id", h.key_id},
          {"installed_at", h.installed_at}};
}

// The handlers installed on this terminal: list, remove NAME, update (each
// to the store's newest version, verified; one that fails keeps its
// installed version and says why).
Answer op_handlers(MessageCenter& mc, const json::object& req, const CallOptions&) {
  MC_TRY(auto r, RequestReader::of(req, {"action", "name"}));
  MC_TRY(auto action_field, r.string("action", 16));
  std::string action = action_field.value_or("list");
  if (action != "list" && action != "remove" && action != "update") {
    return Error::invalid_argument("invalid_field", "field 'action' must be list, remove or update");
  }
  if (action == "remove") {
    MC_TRY(auto name, r.required_string("name", 64));
    MC_TRY_STATUS(remove_handler(mc.home(), name));
    return json::object{{"removed", name}};
  }
  MC_TRY(auto installed, installed_handlers(mc.home()));
  MC_TRY(auto config, load_client_config(mc.home()));
  MC_TRY(auto server_url, parse_url(mc.server()));
  MC_TRY(auto keys, pinned_keys(mc.home(), config, server_url.text()));
  json::array key_ids;
  for (const auto& k : keys.key_ids) key_ids.emplace_back(k);
  if (action == "list") {
    json::array list;
    for (const auto& h : installed) list.push_back(installed_json(h));
    return json::object{{"handlers", std::move(list)},
                        {"pinned_keys", std::move(key_ids)},
                        {"keys_from_config", keys.from_config}};
  }
  MC_TRY(auto conn, mc.logged_in());
  MC_TRY(auto offered, list_store_handlers(*conn));
  json::array results;
  for (const auto& h : installed) {
    json::object one{{"name", h.name}, {"from", h.version}};
    auto newest = std::find_if(offered.begin(), offered.end(), [&](const auto& o) { return o.name == h.name; });
    auto have = handler::SemVer::parse(h.version);
    auto offer = newest == offered.end() ? Result<handler::SemVer>(Error::not_found("gone", ""))
                                         : handler::SemVer::parse(newest->version);
    if (!have || !offer || !(*have < *offer)) {
      one["status"] = "current";
    } else if (auto done = update_from_store(*conn, mc.home(), *newest, keys); done) {
      one["status"] = "updated";
      one["to"] = done->version;
    } else {
      one["status"] = "failed";
      json::object error;
      error["code"] = done.error().code;
      error["message"] = done.error().message;
      one["error"] = std::move(error);
    }
    results.push_back(std::move(one));
  }
  return json::object{{"handlers", std::move(results)}};
}

Answer op_operations(MessageCenter&, const json::object& req, const CallOptions&);

constexpr Operation kOperations[] = {
    {"operations", "list the operations", false, op_operations},
    {"status", "this profile: server, who is logged in, whether the inbox is followed (no network)", false, op_status},
    {"register", "create an account and log in", false, op_register},
    {"login", "log in", false, op_login},
    {"logout", "end this login", true, op_logout},
    {"close_account", "close the account: its personal data goes, its network ID is never reused", true,
     op_close_account},
    {"whoami", "who is logged in, as the server sees it", true, op_whoami},
    {"settings", "show or change the user's settings", true, op_settings},
    {"publish", "publish a file as a resource (provider accounts)", true, op_publish},
    {"catalog", "browse and search the provider's resources", true, op_catalog},
    {"resource", "describe one resource; its provider: update, unpublish, grant, ungrant, grants", true, op_resource},
    {"link", "a download link that works without a login, for players and download tools", true, op_link},
    {"revoke", "revoke a share the user sent (and the forwards made from it)", true, op_revoke},
    {"get", "download a resource or an inbox item's resource, resuming, verifying SHA-256", true, op_get},
    {"open", "open a resource or inbox item: its view (web pages, text)", true, op_open},
    {"share", "share a resource with users and groups", true, op_share},
    {"forward", "forward a received item", true, op_forward},
    {"receipts", "who received and opened a share the user sent", true, op_receipts},
    {"inbox", "list inbox items in sequence order", true, op_inbox},
    {"item", "one inbox item", true, by_id<get_item>},
    {"follow", "deliver inbox items live, as events", true, op_follow},
    {"unfollow", "stop delivering items live", false, op_unfollow},
    {"group", "create, add to, remove from, list or delete the user's groups", true, op_group},
    {"identity", "the user's own phone number and e-mail address: add, verify, remove, list", true, op_identity},
    {"contacts", "import an address book privately and list the contacts it found", true, op_contacts},
    {"friends", "friends and friend requests: list, requests, add, accept, decline, cancel, remove", true, op_friends},
    {"block", "stop a user's shares, forwards, friend requests and discovery of you", true, op_block<true>},
    {"unblock", "undo a block", true, op_block<false>},
    {"blocked", "the users you block", true, op_blocked},
    {"campaign", "a provider's push campaigns: create, list, show, pause, resume, cancel, stats", true, op_campaign},
    {"push_settings", "show or change how many pushes you take, when, and of what", true, op_push_settings},
    {"why", "why a push reached you", true, op_why},
    {"dismiss", "dismiss a push; with not_interested, also say you do not want it or its like", true, op_dismiss},
    {"recommendations", "the resources the provider recommends to you, each with its reason", true, op_recommendations},
    {"handlers", "the handlers installed on this terminal: list, remove, update", false, op_handlers},
    {"handler",
     "handler packages: keygen (a publishing key pair, made locally), publish (sign a folder and upload it), run "
     "(try a folder on a local file)",
     false, op_handler},
};

Answer op_operations(MessageCenter&, const json::object& req, const CallOptions&) {
  MC_TRY_STATUS(RequestReader::of(req, {}));  // takes no fields
  json::array a;
  for (const auto& op : kOperations) {
    a.push_back(json::object{{"name", op.name}, {"summary", op.summary}, {"needs_login", op.needs_login}});
  }
  return json::object{{"operations", std::move(a)}};
}

}  // namespace

std::span<const Operation> operations() { return kOperations; }

const Operation* find_operation(std::string_view name) {
  for (const auto& op : kOperations) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

}  // namespace mc::client
