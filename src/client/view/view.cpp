#include "client/view/view.hpp"

#include <boost/json.hpp>

namespace mc::client {

namespace json = boost::json;

namespace {

std::string_view type_name(BlockType t) {
  switch (t) {
    case BlockType::kHeading:
      return "heading";
    case BlockType::kParagraph:
      return "paragraph";
    case BlockType::kList:
      return "list";
    case BlockType::kTable:
      return "table";
    case BlockType::kPre:
      return "pre";
    case BlockType::kQuote:
      return "quote";
    case BlockType::kIndent:
      return "indent";
    case BlockType::kRule:
      return "rule";
    case BlockType::kFacts:
      return "facts";
  }
  return "paragraph";
}

json::array blocks_json(const Blocks& blocks);

json::object block_json(const Block& b) {
  json::object o{{"type", type_name(b.type)}};
  switch (b.type) {
    case BlockType::kHeading:
      o["level"] = b.level;
      o["text"] = b.text;
      break;
    case BlockType::kParagraph:
    case BlockType::kPre:
      o["text"] = b.text;
      break;
    case BlockType::kList: {
      o["ordered"] = b.ordered;
      if (b.ordered) o["start"] = b.start;
      json::array items;
      for (const auto& item : b.items) items.push_back(blocks_json(item));
      o["items"] = std::move(items);
      break;
    }
    case BlockType::kTable:
    case BlockType::kFacts: {
      json::array rows;
      for (const auto& row : b.rows) {
        json::array cells;
        for (const auto& c : row) cells.push_back(json::string(c));
        rows.push_back(std::move(cells));
      }
      o["rows"] = std::move(rows);
      break;
    }
    case BlockType::kQuote:
    case BlockType::kIndent:
      o["blocks"] = blocks_json(b.children);
      break;
    case BlockType::kRule:
      break;
  }
  return o;
}

json::array blocks_json(const Blocks& blocks) {
  json::array a;
  for (const auto& b : blocks) a.push_back(block_json(b));
  return a;
}

}  // namespace

json::object to_json(const View& v) {
  json::array links, images, notes;
  for (const auto& l : v.links) {
    json::object o{{"n", l.n}, {"text", l.text}, {"href", l.href}};
    if (l.resource_id) o["resource_id"] = *l.resource_id;
    links.push_back(std::move(o));
  }
  for (const auto& i : v.images) {
    json::object o{{"alt", i.alt}, {"src", i.src}};
    if (i.resource_id) o["resource_id"] = *i.resource_id;
    images.push_back(std::move(o));
  }
  for (const auto& n : v.notes) notes.push_back(json::string(n));
  json::array actions;
  for (const auto& a : v.actions) {
    json::object o{{"type", a.type}, {"label", a.label}};
    if (!a.url.empty()) o["url"] = a.url;
    if (a.resource_id) o["resource_id"] = *a.resource_id;
    actions.push_back(std::move(o));
  }
  json::object out{{"view", 1},
                   {"kind", v.kind},
                   {"opener", v.opener},
                   {"title", v.title},
                   {"charset", v.charset},
                   {"blocks", blocks_json(v.blocks)},
                   {"links", std::move(links)},
                   {"images", std::move(images)},
                   {"actions", std::move(actions)},
                   {"notes", std::move(notes)}};
  if (v.page) out["page"] = json::object{{"number", v.page->number}, {"count", v.page->count}};
  return out;
}

}  // namespace mc::client
