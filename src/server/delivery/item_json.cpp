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

}  // namespace

json::object item_json(const store::InboxItem& it) {
  json::object o{{"id", it.id},
                 {"seq", it.seq},
                 {"kind", it.kind},
                 {"share_id", it.share_id},
                 {"sender", it.sender},
                 {"note", it.note},
                 {"created_at", it.created_at},
                 {"resource_id", it.resource.id},
                 {"resource", catalog::resource_json(it.resource)}};
  if (it.kind == "forward") o["provenance"] = provenance_json(it.chain, it.sender);
  if (it.kind == "receipt") o["receipt"] = json::object{{"by", it.sender}, {"event", "opened"}};
  return o;
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
