#include "server/delivery/item_json.hpp"

#include <boost/json.hpp>

#include "server/catalog/resource_json.hpp"

namespace mc::delivery {

namespace json = boost::json;

namespace {

// Where a forward came from: the original sharer and every sender since.
json::object provenance_json(const std::vector<std::string>& earlier, const std::string& sender) {
  json::array chain;
  for (const auto& s : earlier) chain.emplace_back(s);
  chain.emplace_back(sender);
  return {{"original_sender", earlier.empty() ? sender : earlier.front()}, {"chain", chain}};
}

// Every field but "id" and "seq", appended to `o` in wire order.
void add_shared_fields(json::object& o, const store::InboxItem& it) {
  o["kind"] = it.kind;
  o["share_id"] = it.share_id;
  o["sender"] = it.sender;
  o["note"] = it.note;
  o["created_at"] = it.created_at;
  o["resource_id"] = it.resource.id;
  o["resource"] = catalog::resource_json(it.resource);
  if (it.kind == "forward") o["provenance"] = provenance_json(it.chain, it.sender);
  if (it.kind == "receipt") o["receipt"] = json::object{{"by", it.sender}, {"event", "opened"}};
}

}  // namespace

json::object item_json(const store::InboxItem& it) {
  json::object o{{"id", it.id}, {"seq", it.seq}};
  add_shared_fields(o, it);
  return o;
}

std::string item_shared_part(const store::InboxItem& it) {
  json::object o;
  add_shared_fields(o, it);
  std::string s = json::serialize(o);
  return s.substr(1, s.size() - 2);  // without the braces
}

std::string item_frame(const std::string& item_id, std::int64_t seq, const std::string& shared_part) {
  return "{\"type\":\"item\",\"item\":{\"id\":" + json::serialize(json::value(item_id)) + ",\"seq\":" +
         std::to_string(seq) + "," + shared_part + "}}";
}


json::object share_json(const store::Share& s) {
  json::array to;
  for (const auto& r : s.recipients) to.emplace_back(r);
  json::object o{{"id", s.id},         {"kind", s.kind}, {"resource_id", s.resource_id}, {"sender", s.sender},
                 {"to", to},           {"note", s.note}, {"created_at", s.created_at}};
  if (s.kind == "forward") o["provenance"] = provenance_json(s.chain, s.sender);
  return o;
}

}  // namespace mc::delivery
