// The message center's view format (docs/view-format.md): what any opener,
// the built-in browser, the text viewer or a handler, makes of a resource,
// and what the terminal or an app shows. A view is plain data: blocks of
// text with their structure, and the numbered links and images inline text
// refers to. It has a JSON form (to_json) for `msgc open --json` and apps.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mc::client {

enum class BlockType { kHeading, kParagraph, kList, kTable, kPre, kQuote, kIndent, kRule, kFacts };

struct Block;
using Blocks = std::vector<Block>;

struct Block {
  BlockType type = BlockType::kParagraph;
  int level = 0;                               // kHeading: 1-6
  std::string text;                            // kHeading, kParagraph, kPre (verbatim)
  bool ordered = false;                        // kList
  std::int64_t start = 1;                      // kList, ordered: the first number
  std::vector<Blocks> items;                   // kList: each item's blocks
  std::vector<std::vector<std::string>> rows;  // kTable: rows of cells; kFacts: [key, value] pairs
  Blocks children;                             // kQuote, kIndent

  // A heading, paragraph or pre block; a rule.
  static Block with_text(BlockType type, std::string text, int level = 0) {
    Block b;
    b.type = type;
    b.text = std::move(text);
    b.level = level;
    return b;
  }
  static Block rule() {
    Block b;
    b.type = BlockType::kRule;
    return b;
  }
};

// A link, numbered in document order from 1; inline text shows it as
// "text[n]". `href` is resolved against the page; `resource_id` is set when
// it names a resource of the catalog.
struct Link {
  int n = 0;
  std::string text;
  std::string href;
  std::optional<std::string> resource_id;
};

struct Image {
  std::string alt;
  std::string src;
  std::optional<std::string> resource_id;
};

// Something the user can do from a view (a handler's): buy an offer (a web
// address), open or download another resource of the catalog.
struct Action {
  std::string type;  // "buy", "open", "download"
  std::string label;
  std::string url;                         // buy
  std::optional<std::string> resource_id;  // open, download
};

// Where a paged view is: page `number` of `count` (msgc open --page N).
struct PagePosition {
  int number = 1;
  int count = 1;
};

struct View {
  std::string kind;    // the resource's type: "webpage", "novel", ...
  std::string opener;  // who made it: "browser", "text", "details", or a handler's name
  std::string title;
  std::string charset;  // what the bytes were decoded from ("UTF-8", "GB18030", ...)
  Blocks blocks;
  std::vector<Link> links;
  std::vector<Image> images;
  std::vector<Action> actions;
  std::optional<PagePosition> page;
  // Set when limits cut the page: nesting flattened, elements dropped.
  std::vector<std::string> notes;
};

boost::json::object to_json(const View& v);

}  // namespace mc::client
