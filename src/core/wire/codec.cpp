#include "core/wire/codec.hpp"

#include <boost/json.hpp>

namespace mc::wire {

namespace json = boost::json;

std::string_view item_kind_name(ItemKind kind) {
  switch (kind) {
    case ItemKind::kShare:
      return "share";
    case ItemKind::kForward:
      return "forward";
    case ItemKind::kReceipt:
      return "receipt";
    case ItemKind::kFriendRequest:
      return "friend_request";
    case ItemKind::kFriendAccepted:
      return "friend_accepted";
    case ItemKind::kPush:
      return "push";
    case ItemKind::kOther:
      return "other";
  }
  return "other";
}

std::optional<ItemKind> parse_item_kind(std::string_view name) {
  if (name == "share") return ItemKind::kShare;
  if (name == "forward") return ItemKind::kForward;
  if (name == "receipt") return ItemKind::kReceipt;
  if (name == "friend_request") return ItemKind::kFriendRequest;
  if (name == "friend_accepted") return ItemKind::kFriendAccepted;
  if (name == "push") return ItemKind::kPush;
  return std::nullopt;
}

namespace {

Error unexpected(std::string_view what) {
  return Error{ErrorKind::kInternal, "unexpected_answer", "unexpected answer from the server: " + std::string(what)};
}

json::array string_array(const std::vector<std::string>& list) {
  json::array a;
  a.reserve(list.size());
  for (const auto& s : list) a.emplace_back(s);
  return a;
}

json::value optional_int(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }

// Stored JSON object text back into a value; a record never carries anything
// else, so a damaged one shows as no attributes rather than failing the page.
json::value parse_object_or_empty(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return json::object{};
  return v;
}

// Reads the fields of one JSON object; the first problem sticks and the
// reads after it return empty values, so a decoder reads every field and
// checks once at the end.
class Fields {
 public:
  Fields(const json::value& v, std::string_view what) : what_(what) {
    if (v.is_object()) obj_ = &v.as_object();
    else fail("", "is not an object");
  }
  bool ok() const { return !failed_; }
  const Error& error() const { return error_; }

  std::string str(std::string_view key) {
    const auto* v = get(key);
    if (!v) return {};
    if (!v->is_string()) return fail(key, "is not a string"), std::string();
    return std::string(v->as_string());
  }
  std::int64_t i64(std::string_view key) {
    const auto* v = get(key);
    if (!v) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      return static_cast<std::int64_t>(v->as_uint64());
    }
    return fail(key, "is not an integer"), 0;
  }
  bool boolean(std::string_view key) {
    const auto* v = get(key);
    if (!v) return false;
    if (!v->is_bool()) return fail(key, "is not true or false"), false;
    return v->as_bool();
  }
  // Absent or null: nullopt.
  std::optional<std::int64_t> opt_i64(std::string_view key) {
    if (!present(key)) return std::nullopt;
    return i64(key);
  }
  std::optional<std::string> opt_str(std::string_view key) {
    if (!present(key)) return std::nullopt;
    return str(key);
  }
  std::vector<std::string> strs(std::string_view key) {
    std::vector<std::string> out;
    const auto* v = get(key);
    if (!v) return out;
    if (!v->is_array()) return fail(key, "is not an array"), out;
    for (const auto& e : v->as_array()) {
      if (!e.is_string()) return fail(key, "holds a non-string"), out;
      out.emplace_back(e.as_string());
    }
    return out;
  }
  // A nested value, required.
  const json::value* sub(std::string_view key) { return get(key); }
  // An array of records, each read by from_json<T>.
  template <class T>
  std::vector<T> records(std::string_view key) {
    std::vector<T> out;
    const auto* v = get(key);
    if (!v) return out;
    if (!v->is_array()) return fail(key, "is not an array"), out;
    for (const auto& e : v->as_array()) out.push_back(take(from_json<T>(e)));
    return out;
  }
  bool present(std::string_view key) const {
    if (!obj_) return false;
    const auto* v = obj_->if_contains(key);
    return v && !v->is_null();
  }
  // Adopts a nested decoder's failure.
  template <class T>
  T take(Result<T> r) {
    if (r) return std::move(*r);
    if (!failed_) {
      failed_ = true;
      error_ = std::move(r).error();
    }
    return T{};
  }
  void fail(std::string_view key, std::string_view problem) {
    if (failed_) return;
    failed_ = true;
    std::string where(what_);
    if (!key.empty()) where += " field '" + std::string(key) + "'";
    error_ = unexpected(where + " " + std::string(problem));
  }

 private:
  const json::value* get(std::string_view key) {
    if (!obj_) return nullptr;
    const auto* v = obj_->if_contains(key);
    if (!v) {
      fail(key, "is missing");
      return nullptr;
    }
    return v;
  }
  std::string_view what_;
  const json::object* obj_ = nullptr;
  bool failed_ = false;
  Error error_;
};

template <class T>
Result<T> finish(Fields& f, T value) {
  if (!f.ok()) return f.error();
  return value;
}

ItemKind read_kind(Fields& f) {
  auto name = f.str("kind");
  if (!f.ok()) return ItemKind::kShare;
  auto k = parse_item_kind(name);
  if (!k) f.fail("kind", "names an unknown kind '" + name + "'");
  return k.value_or(ItemKind::kShare);
}

// Where a forward came from: the original sharer and every sender since.
json::object provenance_json(const std::vector<std::string>& earlier, const std::string& sender) {
  json::array chain = string_array(earlier);
  chain.emplace_back(sender);
  return {{"original_sender", earlier.empty() ? sender : earlier.front()}, {"chain", chain}};
}

// The earlier senders of a forward: its provenance chain without the last
// (the forward's own sender).
std::vector<std::string> read_chain(Fields& f) {
  const auto* p = f.sub("provenance");
  if (!p) return {};
  Fields pf(*p, "provenance");
  auto chain = pf.strs("chain");
  if (!pf.ok()) return f.take(Result<std::vector<std::string>>(pf.error()));
  if (!chain.empty()) chain.pop_back();
  return chain;
}

// Every field of an item but "id" and "seq", in wire order.
void add_item_fields(json::object& o, const InboxItem& it) {
  o["kind"] = it.kind == ItemKind::kOther ? std::string_view(it.other_kind) : item_kind_name(it.kind);
  o["share_id"] = it.share_id;
  o["sender"] = it.sender;
  o["note"] = it.note;
  o["created_at"] = it.created_at;
  // Friend events are about people: their resource is an empty one (id ""),
  // which clients older than those kinds still decode, as an item of a kind
  // they do not know, instead of failing the whole page on it.
  o["resource_id"] = it.resource.id;
  o["resource"] = to_json(it.resource);
  if (it.kind == ItemKind::kForward) o["provenance"] = provenance_json(it.chain, it.sender);
  if (it.kind == ItemKind::kReceipt) o["receipt"] = json::object{{"by", it.sender}, {"event", "opened"}};
  if (it.kind == ItemKind::kPush) o["push"] = json::object{{"campaign_id", it.campaign_id}, {"reason", it.reason}};
}

}  // namespace

// ---- to_json ----------------------------------------------------------------

json::object to_json(const Settings& s) { return {{"send_receipts", s.send_receipts}}; }

json::object to_json(const User& u) {
  json::object o{{"network_id", u.network_id}, {"role", role_name(u.role)}, {"created_at", u.created_at}};
  if (u.device_id) o["device_id"] = *u.device_id;
  if (u.settings) o["settings"] = to_json(*u.settings);
  return o;
}

json::object to_json(const Login& l) {
  return {{"token", l.token}, {"expires_at", l.expires_at}, {"device_id", l.device_id}, {"user", to_json(l.user)}};
}

json::object to_json(const Resource& r) {
  return {{"id", r.id},
          {"type", r.type},
          {"title", r.title},
          {"tags", string_array(r.tags)},
          {"sha256", r.sha256},
          {"size", r.size},
          {"mime", r.mime},
          {"filename", r.filename},
          {"publisher", r.publisher},
          {"created_at", r.created_at},
          {"description", r.description},
          {"updated_at", r.updated_at},
          {"access", r.access},
          {"shareable", r.shareable},
          {"share_access_seconds", optional_int(r.share_access_seconds)},
          {"attributes", parse_object_or_empty(r.attributes)},
          {"gone", r.gone}};
}

json::object to_json(const ResourcePage& p) {
  json::array list;
  for (const auto& r : p.resources) list.emplace_back(to_json(r));
  json::object o{{"resources", list}};
  if (p.next_cursor) o["next_cursor"] = *p.next_cursor;
  else o["next_after"] = optional_int(p.next_after);
  return o;
}

json::object to_json(const StoredBlob& b) { return {{"sha256", b.sha256}, {"size", b.size}}; }

json::object to_json(const Share& s) {
  json::object o{{"id", s.id},
                 {"kind", item_kind_name(s.kind)},
                 {"resource_id", s.resource_id},
                 {"sender", s.sender},
                 {"to", string_array(s.to)},
                 {"note", s.note},
                 {"created_at", s.created_at}};
  if (s.kind == ItemKind::kForward) o["provenance"] = provenance_json(s.chain, s.sender);
  if (s.revoked_at) o["revoked_at"] = *s.revoked_at;
  // Per named recipient, what became of the share: "delivered", or
  // "refused" with the only reason a sender may see (a block and a
  // recipient's policy look the same).
  json::array recipients;
  for (const auto& id : s.to) recipients.emplace_back(json::object{{"network_id", id}, {"status", "delivered"}});
  for (const auto& id : s.refused) {
    recipients.emplace_back(json::object{{"network_id", id}, {"status", "refused"}, {"reason", "not_accepted"}});
  }
  o["recipients"] = std::move(recipients);
  if (!s.refused.empty()) o["refused"] = string_array(s.refused);
  return o;
}

json::object to_json(const InboxItem& it) {
  json::object o{{"id", it.id}, {"seq", it.seq}};
  add_item_fields(o, it);
  return o;
}

json::object to_json(const InboxPage& p) {
  json::array list;
  for (const auto& it : p.items) list.emplace_back(to_json(it));
  return {{"items", list}, {"head", p.head}, {"cursor", p.cursor}};
}

json::object to_json(const Receipt& r) {
  return {{"network_id", r.network_id},
          {"hidden", r.hidden},
          {"delivered_at", optional_int(r.delivered_at)},
          {"opened_at", optional_int(r.opened_at)}};
}

json::object to_json(const ShareReceipts& r) {
  json::array list;
  for (const auto& x : r.receipts) list.emplace_back(to_json(x));
  return {{"share_id", r.share_id}, {"receipts", list}};
}

json::object to_json(const Group& g) {
  return {{"name", g.name}, {"members", string_array(g.members)}, {"created_at", g.created_at}};
}

json::object to_json(const Ack& a) { return {{"cursor", a.cursor}, {"device_id", a.device_id}}; }

json::object to_json(const Handler& h) {
  json::object o{{"name", h.name},
                 {"version", h.version},
                 {"kinds", string_array(h.kinds)},
                 {"mimes", string_array(h.mimes)},
                 {"entry", h.entry},
                 {"min_client", h.min_client},
                 {"description", h.description},
                 {"sha256", h.sha256},
                 {"size", h.size},
                 {"key_id", h.key_id},
                 {"publisher", h.publisher},
                 {"published_at", h.published_at}};
  if (!h.match.empty()) o["match"] = h.match;
  return o;
}

json::object to_json(const HandlerKey& k) {
  return {{"key_id", k.key_id}, {"public_key", k.public_key}, {"added_at", k.added_at}};
}

// ---- from_json --------------------------------------------------------------

template <>
Result<Settings> from_json<Settings>(const json::value& v) {
  Fields f(v, "settings");
  Settings s;
  s.send_receipts = f.boolean("send_receipts");
  return finish(f, s);
}

template <>
Result<User> from_json<User>(const json::value& v) {
  Fields f(v, "user");
  User u;
  u.network_id = f.str("network_id");
  auto role = f.str("role");
  if (f.ok()) {
    auto r = parse_role(role);
    if (!r) f.fail("role", "names an unknown role '" + role + "'");
    u.role = r.value_or(Role::kUser);
  }
  u.created_at = f.i64("created_at");
  u.device_id = f.opt_str("device_id");
  if (f.present("settings")) u.settings = f.take(from_json<Settings>(*f.sub("settings")));
  return finish(f, u);
}

template <>
Result<Login> from_json<Login>(const json::value& v) {
  Fields f(v, "login");
  Login l;
  l.token = f.str("token");
  l.expires_at = f.i64("expires_at");
  l.device_id = f.str("device_id");
  if (const auto* u = f.sub("user")) l.user = f.take(from_json<User>(*u));
  return finish(f, l);
}

template <>
Result<Resource> from_json<Resource>(const json::value& v) {
  Fields f(v, "resource");
  Resource r;
  r.id = f.str("id");
  r.type = f.str("type");
  r.title = f.str("title");
  r.tags = f.strs("tags");
  r.sha256 = f.str("sha256");
  r.size = f.i64("size");
  r.mime = f.str("mime");
  r.filename = f.str("filename");
  r.publisher = f.str("publisher");
  r.created_at = f.i64("created_at");
  // Fields added with issue 10: absent from an older server's records.
  r.description = f.opt_str("description").value_or("");
  r.updated_at = f.opt_i64("updated_at").value_or(r.created_at);
  r.access = f.opt_str("access").value_or("public");
  r.shareable = !f.present("shareable") || f.boolean("shareable");
  r.share_access_seconds = f.opt_i64("share_access_seconds");
  if (const auto* a = f.present("attributes") ? f.sub("attributes") : nullptr) {
    if (!a->is_object()) f.fail("attributes", "is not an object");
    else r.attributes = json::serialize(*a);
  }
  r.gone = f.present("gone") && f.boolean("gone");
  return finish(f, r);
}

template <>
Result<ResourcePage> from_json<ResourcePage>(const json::value& v) {
  Fields f(v, "resource page");
  ResourcePage p;
  p.resources = f.records<Resource>("resources");
  p.next_after = f.opt_i64("next_after");
  p.next_cursor = f.opt_str("next_cursor");
  return finish(f, p);
}

template <>
Result<StoredBlob> from_json<StoredBlob>(const json::value& v) {
  Fields f(v, "blob");
  StoredBlob b{f.str("sha256"), f.i64("size")};
  return finish(f, b);
}

template <>
Result<Share> from_json<Share>(const json::value& v) {
  Fields f(v, "share");
  Share s;
  s.id = f.str("id");
  s.kind = read_kind(f);
  s.resource_id = f.str("resource_id");
  s.sender = f.str("sender");
  s.to = f.strs("to");
  s.note = f.str("note");
  s.created_at = f.i64("created_at");
  if (f.ok() && s.kind == ItemKind::kForward) s.chain = read_chain(f);
  s.revoked_at = f.opt_i64("revoked_at");
  if (f.present("refused")) s.refused = f.strs("refused");
  return finish(f, s);
}

template <>
Result<InboxItem> from_json<InboxItem>(const json::value& v) {
  Fields f(v, "inbox item");
  InboxItem it;
  it.id = f.str("id");
  it.seq = f.i64("seq");
  // An item of a kind this program does not know is still an item: it must
  // not be skipped (a follower would ack past it and lose it).
  it.other_kind = f.str("kind");
  it.kind = parse_item_kind(it.other_kind).value_or(ItemKind::kOther);
  if (it.kind != ItemKind::kOther) it.other_kind.clear();
  it.share_id = f.str("share_id");
  it.sender = f.str("sender");
  it.note = f.str("note");
  it.created_at = f.i64("created_at");
  // Friend events carry no resource.
  if (f.present("resource")) {
    if (const auto* r = f.sub("resource")) it.resource = f.take(from_json<Resource>(*r));
  }
  if (f.ok() && it.kind == ItemKind::kForward) it.chain = read_chain(f);
  if (f.ok() && it.kind == ItemKind::kPush) {
    if (const auto* p = f.sub("push")) {
      Fields pf(*p, "push");
      it.campaign_id = pf.str("campaign_id");
      it.reason = pf.str("reason");
      if (!pf.ok()) return pf.error();
    }
  }
  return finish(f, it);
}

template <>
Result<InboxPage> from_json<InboxPage>(const json::value& v) {
  Fields f(v, "inbox page");
  InboxPage p;
  p.items = f.records<InboxItem>("items");
  p.head = f.i64("head");
  p.cursor = f.i64("cursor");
  return finish(f, p);
}

template <>
Result<Receipt> from_json<Receipt>(const json::value& v) {
  Fields f(v, "receipt");
  Receipt r;
  r.network_id = f.str("network_id");
  r.hidden = f.boolean("hidden");
  r.delivered_at = f.opt_i64("delivered_at");
  r.opened_at = f.opt_i64("opened_at");
  return finish(f, r);
}

template <>
Result<ShareReceipts> from_json<ShareReceipts>(const json::value& v) {
  Fields f(v, "receipts");
  ShareReceipts r;
  r.share_id = f.str("share_id");
  r.receipts = f.records<Receipt>("receipts");
  return finish(f, r);
}

template <>
Result<Group> from_json<Group>(const json::value& v) {
  Fields f(v, "group");
  Group g{f.str("name"), f.strs("members"), f.i64("created_at")};
  return finish(f, g);
}

template <>
Result<Ack> from_json<Ack>(const json::value& v) {
  Fields f(v, "ack");
  Ack a;
  a.cursor = f.i64("cursor");
  a.device_id = f.opt_str("device_id").value_or("");
  return finish(f, a);
}

template <>
Result<Handler> from_json<Handler>(const json::value& v) {
  Fields f(v, "handler");
  Handler h;
  h.name = f.str("name");
  h.version = f.str("version");
  h.kinds = f.strs("kinds");
  h.mimes = f.strs("mimes");
  h.entry = f.str("entry");
  h.min_client = f.str("min_client");
  h.description = f.str("description");
  h.sha256 = f.str("sha256");
  h.size = f.i64("size");
  h.key_id = f.str("key_id");
  h.publisher = f.str("publisher");
  h.published_at = f.i64("published_at");
  h.match = f.opt_str("match").value_or("");
  return finish(f, h);
}

template <>
Result<HandlerKey> from_json<HandlerKey>(const json::value& v) {
  Fields f(v, "handler key");
  HandlerKey k{f.str("key_id"), f.str("public_key"), f.i64("added_at")};
  return finish(f, k);
}

template <>
Result<Hello> from_json<Hello>(const json::value& v) {
  Fields f(v, "hello frame");
  Hello h{f.str("network_id"), f.str("device_id"), f.i64("after"), f.i64("cursor")};
  return finish(f, h);
}

template <class T>
Result<T> from_json(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  const auto* inner = o ? o->if_contains(key) : nullptr;
  if (!inner) return unexpected("no '" + std::string(key) + "' in the answer");
  return from_json<T>(*inner);
}

template Result<User> from_json<User>(const json::value&, std::string_view);
template Result<Settings> from_json<Settings>(const json::value&, std::string_view);
template Result<Resource> from_json<Resource>(const json::value&, std::string_view);
template Result<Share> from_json<Share>(const json::value&, std::string_view);
template Result<InboxItem> from_json<InboxItem>(const json::value&, std::string_view);
template Result<Group> from_json<Group>(const json::value&, std::string_view);
template Result<Handler> from_json<Handler>(const json::value&, std::string_view);

// ---- frames -------------------------------------------------------------------

std::string item_shared_part(const InboxItem& it) {
  json::object o;
  add_item_fields(o, it);
  std::string s = json::serialize(o);
  return s.substr(1, s.size() - 2);  // without the braces
}

std::string item_frame(std::string_view item_id, std::int64_t seq, std::string_view shared_part) {
  std::string out = "{\"type\":\"item\",\"item\":{\"id\":";
  out += json::serialize(json::value(json::string_view(item_id.data(), item_id.size())));
  out += ",\"seq\":";
  out += std::to_string(seq);
  out += ",";
  out += shared_part;
  out += "}}";
  return out;
}

std::string item_frame(const InboxItem& it) { return item_frame(it.id, it.seq, item_shared_part(it)); }

std::string hello_frame(const Hello& h) {
  return json::serialize(json::object{{"type", "hello"},
                                      {"network_id", h.network_id},
                                      {"device_id", h.device_id},
                                      {"after", h.after},
                                      {"cursor", h.cursor}});
}

std::string acked_frame(std::int64_t cursor) {
  return json::serialize(json::object{{"type", "acked"}, {"cursor", cursor}});
}

std::string error_frame(const Error& e) {
  return json::serialize(json::object{{"type", "error"}, {"error", {{"code", e.code}, {"message", e.message}}}});
}

std::string pong_frame() { return R"({"type":"pong"})"; }

std::string ack_request_frame(std::int64_t seq) { return json::serialize(json::object{{"type", "ack"}, {"seq", seq}}); }

Result<Frame> parse_frame(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return unexpected("a stream frame is not JSON");
  Fields f(v, "stream frame");
  auto type = f.str("type");
  if (!f.ok()) return f.error();
  Frame frame;
  if (type == "hello") {
    frame.type = Frame::Type::kHello;
    frame.hello = f.take(from_json<Hello>(v));
  } else if (type == "item") {
    frame.type = Frame::Type::kItem;
    if (const auto* it = f.sub("item")) {
      frame.item = f.take(from_json<InboxItem>(*it));
      frame.item_json = json::serialize(*it);
    }
  } else if (type == "acked") {
    frame.type = Frame::Type::kAcked;
    frame.cursor = f.i64("cursor");
  } else if (type == "pong") {
    frame.type = Frame::Type::kPong;
  } else if (type == "error") {
    frame.type = Frame::Type::kError;
    if (const auto* e = f.sub("error")) {
      Fields ef(*e, "error");
      frame.error = Error{ErrorKind::kInternal, ef.str("code"), ef.str("message")};
      if (!ef.ok()) return ef.error();
    }
  }
  if (!f.ok()) return f.error();
  return frame;
}

std::string error_body(const Error& e) {
  return json::serialize(json::object{{"error", {{"code", e.code}, {"message", e.message}}}});
}

}  // namespace mc::wire
