#include "client/handlers/lua_view.hpp"

#include <cstring>

extern "C" {
#include <lua5.4/lauxlib.h>
#include <lua5.4/lua.h>
}

namespace mc::client::handlers {

namespace {

constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxBlocks = 100000;
constexpr std::size_t kMaxTextBytes = 32u << 20;
constexpr lua_Integer kMaxListLength = 100000;

bool valid_utf8(const char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    auto c = static_cast<unsigned char>(p[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(p[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Walks the view keeping the path for messages. Every reader returns false
// with `error` set on the first problem.
class Reader {
 public:
  Reader(lua_State* L, std::string& error) : L_(L), error_(error) {}

  bool view(int t, View& out) {
    path_ = "view";
    if (!string_field(t, "title", out.title, true)) return false;
    if (!blocks_field(t, "blocks", out.blocks, true, 0)) return false;
    if (!links(t, out)) return false;
    if (!images(t, out)) return false;
    if (!actions(t, out)) return false;
    if (!page(t, out)) return false;
    return notes(t, out);
  }

 private:
  bool fail(const std::string& what) {
    error_ = "handler_bad_view: " + what;
    return false;
  }

  static const char* type_of(int lua_type) {
    switch (lua_type) {
      case LUA_TNIL:
        return "missing";
      case LUA_TNUMBER:
        return "a number";
      case LUA_TSTRING:
        return "a string";
      case LUA_TTABLE:
        return "a table";
      case LUA_TBOOLEAN:
        return "a boolean";
      case LUA_TFUNCTION:
        return "a function";
      default:
        return "a value of another type";
    }
  }

  // Pushes t[key] (raw); returns its type.
  int get(int t, const char* key) {
    lua_pushstring(L_, key);
    return lua_rawget(L_, t);
  }

  bool text_value(int idx, std::string& out, const std::string& where) {
    std::size_t len = 0;
    const char* p = nullptr;
    if (lua_type(L_, idx) == LUA_TSTRING) {
      p = lua_tolstring(L_, idx, &len);
    } else if (lua_type(L_, idx) == LUA_TNUMBER) {
      lua_pushvalue(L_, idx);
      p = lua_tolstring(L_, -1, &len);
      out.assign(p, len);
      lua_pop(L_, 1);
      return count_text(len, where);
    } else {
      return fail(where + " is " + type_of(lua_type(L_, idx)) + ", not a string");
    }
    if (!valid_utf8(p, len)) return fail(where + " is not valid UTF-8");
    out.assign(p, len);
    return count_text(len, where);
  }

  bool count_text(std::size_t len, const std::string& where) {
    text_bytes_ += len;
    if (text_bytes_ > kMaxTextBytes) return fail("the view holds more than 32 MiB of text (at " + where + ")");
    return true;
  }

  bool string_field(int t, const char* key, std::string& out, bool required) {
    int type = get(t, key);
    bool ok = true;
    if (type == LUA_TNIL) {
      if (required) ok = fail(path_ + "." + key + " is missing");
    } else {
      ok = text_value(-1, out, path_ + "." + key);
    }
    lua_pop(L_, 1);
    return ok;
  }

  bool int_field(int t, const char* key, lua_Integer& out, lua_Integer lo, lua_Integer hi, bool required) {
    int type = get(t, key);
    bool ok = true;
    int isnum = 0;
    lua_Integer v = lua_tointegerx(L_, -1, &isnum);
    if (type == LUA_TNIL) {
      if (required) ok = fail(path_ + "." + key + " is missing");
    } else if (type != LUA_TNUMBER || !isnum) {
      ok = fail(path_ + "." + key + " is " + type_of(type) + ", not an integer");
    } else if (v < lo || v > hi) {
      ok = fail(path_ + "." + key + " is " + std::to_string(v) + ", outside " + std::to_string(lo) + "-" +
                std::to_string(hi));
    } else {
      out = v;
    }
    lua_pop(L_, 1);
    return ok;
  }

  // The length of the sequence at `idx`, refusing non-sequences.
  bool sequence(int idx, const std::string& where, lua_Integer& n) {
    if (lua_type(L_, idx) != LUA_TTABLE) return fail(where + " is " + type_of(lua_type(L_, idx)) + ", not a list");
    n = static_cast<lua_Integer>(lua_rawlen(L_, idx));
    if (n > kMaxListLength) return fail(where + " has more than " + std::to_string(kMaxListLength) + " entries");
    return true;
  }

  bool blocks_field(int t, const char* key, Blocks& out, bool required, int depth) {
    int type = get(t, key);
    bool ok = true;
    if (type == LUA_TNIL) {
      if (required) ok = fail(path_ + "." + key + " is missing");
    } else {
      std::string saved = path_;
      path_ += std::string(".") + key;
      ok = blocks(lua_gettop(L_), out, depth);
      path_ = saved;
    }
    lua_pop(L_, 1);
    return ok;
  }

  bool blocks(int list, Blocks& out, int depth) {
    if (depth > kMaxDepth) return fail(path_ + " nests deeper than " + std::to_string(kMaxDepth) + " levels");
    lua_Integer n = 0;
    if (!sequence(list, path_, n)) return false;
    std::string saved = path_;
    for (lua_Integer i = 1; i <= n; ++i) {
      path_ = saved + "[" + std::to_string(i) + "]";
      lua_rawgeti(L_, list, i);
      Block b;
      bool ok = block(lua_gettop(L_), b, depth);
      lua_pop(L_, 1);
      if (!ok) return false;
      out.push_back(std::move(b));
      if (++block_count_ > kMaxBlocks) return fail("the view has more than " + std::to_string(kMaxBlocks) + " blocks");
    }
    path_ = saved;
    return true;
  }

  bool rows(int t, Block& b, bool pairs) {
    int type = get(t, "rows");
    int list = lua_gettop(L_);
    lua_Integer n = 0;
    bool ok = type != LUA_TNIL ? sequence(list, path_ + ".rows", n) : fail(path_ + ".rows is missing");
    for (lua_Integer i = 1; ok && i <= n; ++i) {
      std::string where = path_ + ".rows[" + std::to_string(i) + "]";
      lua_rawgeti(L_, list, i);
      int row = lua_gettop(L_);
      lua_Integer cells = 0;
      ok = sequence(row, where, cells);
      if (ok && pairs && cells != 2) ok = fail(where + " has " + std::to_string(cells) + " cells; a fact has 2");
      std::vector<std::string> r;
      for (lua_Integer c = 1; ok && c <= cells; ++c) {
        lua_rawgeti(L_, row, c);
        std::string cell;
        ok = text_value(-1, cell, where + "[" + std::to_string(c) + "]");
        lua_pop(L_, 1);
        r.push_back(std::move(cell));
      }
      lua_pop(L_, 1);
      b.rows.push_back(std::move(r));
    }
    lua_pop(L_, 1);
    return ok;
  }

  bool block(int t, Block& b, int depth) {
    if (lua_type(L_, t) != LUA_TTABLE) return fail(path_ + " is " + type_of(lua_type(L_, t)) + ", not a block");
    std::string type;
    if (!string_field(t, "type", type, true)) return false;
    if (type == "heading") {
      b.type = BlockType::kHeading;
      lua_Integer level = 1;
      if (!int_field(t, "level", level, 1, 6, false)) return false;
      b.level = static_cast<int>(level);
      return string_field(t, "text", b.text, true);
    }
    if (type == "paragraph" || type == "pre") {
      b.type = type == "pre" ? BlockType::kPre : BlockType::kParagraph;
      return string_field(t, "text", b.text, true);
    }
    if (type == "rule") {
      b.type = BlockType::kRule;
      return true;
    }
    if (type == "quote") {
      b.type = BlockType::kQuote;
      return blocks_field(t, "blocks", b.children, true, depth + 1);
    }
    if (type == "table" || type == "facts") {
      b.type = type == "facts" ? BlockType::kFacts : BlockType::kTable;
      return rows(t, b, type == "facts");
    }
    if (type == "list") {
      b.type = BlockType::kList;
      int ot = get(t, "ordered");
      b.ordered = ot == LUA_TBOOLEAN && lua_toboolean(L_, -1);
      lua_pop(L_, 1);
      if (ot != LUA_TNIL && ot != LUA_TBOOLEAN) return fail(path_ + ".ordered is " + type_of(ot) + ", not a boolean");
      lua_Integer start = 1;
      if (!int_field(t, "start", start, -1000000000, 1000000000, false)) return false;
      b.start = start;
      return list_items(t, b, depth);
    }
    return fail(path_ + ".type is '" + type +
                "'; a block is heading, paragraph, list, table, facts, pre, quote or rule");
  }

  // Each item is a string (one paragraph) or a list of blocks.
  bool list_items(int t, Block& b, int depth) {
    int type = get(t, "items");
    int list = lua_gettop(L_);
    lua_Integer n = 0;
    bool ok = type != LUA_TNIL ? sequence(list, path_ + ".items", n) : fail(path_ + ".items is missing");
    std::string saved = path_;
    for (lua_Integer i = 1; ok && i <= n; ++i) {
      path_ = saved + ".items[" + std::to_string(i) + "]";
      lua_rawgeti(L_, list, i);
      Blocks item;
      if (lua_type(L_, -1) == LUA_TSTRING || lua_type(L_, -1) == LUA_TNUMBER) {
        Block p;
        ok = text_value(-1, p.text, path_);
        item.push_back(std::move(p));
      } else {
        ok = blocks(lua_gettop(L_), item, depth + 1);
      }
      lua_pop(L_, 1);
      b.items.push_back(std::move(item));
    }
    path_ = saved;
    lua_pop(L_, 1);
    return ok;
  }

  // Runs `each` on every table of the optional list t[key], with path_ set.
  template <class Each>
  bool each_entry(int t, const char* key, Each each) {
    int type = get(t, key);
    int list = lua_gettop(L_);
    bool ok = true;
    if (type != LUA_TNIL) {
      lua_Integer n = 0;
      ok = sequence(list, "view." + std::string(key), n);
      for (lua_Integer i = 1; ok && i <= n; ++i) {
        path_ = "view." + std::string(key) + "[" + std::to_string(i) + "]";
        lua_rawgeti(L_, list, i);
        if (lua_type(L_, -1) != LUA_TTABLE) {
          ok = fail(path_ + " is " + type_of(lua_type(L_, -1)) + ", not a table");
        } else {
          ok = each(lua_gettop(L_), static_cast<int>(i));
        }
        lua_pop(L_, 1);
      }
    }
    path_ = "view";
    lua_pop(L_, 1);
    return ok;
  }

  bool resource_id(int t, std::optional<std::string>& out) {
    std::string id;
    if (!string_field(t, "resource_id", id, false)) return false;
    if (!id.empty()) out = id;
    return true;
  }

  bool links(int t, View& v) {
    return each_entry(t, "links", [&](int e, int n) {
      Link l;
      l.n = n;
      if (!string_field(e, "text", l.text, false) || !string_field(e, "href", l.href, false) ||
          !resource_id(e, l.resource_id)) {
        return false;
      }
      if (l.href.empty() && !l.resource_id) return fail(path_ + " has neither href nor resource_id");
      if (l.href.empty()) l.href = "msgc:resource/" + *l.resource_id;
      v.links.push_back(std::move(l));
      return true;
    });
  }

  bool images(int t, View& v) {
    return each_entry(t, "images", [&](int e, int) {
      Image img;
      if (!string_field(e, "alt", img.alt, false) || !string_field(e, "src", img.src, false) ||
          !resource_id(e, img.resource_id)) {
        return false;
      }
      if (img.src.empty() && !img.resource_id) return fail(path_ + " has neither src nor resource_id");
      if (img.src.empty()) img.src = "msgc:resource/" + *img.resource_id;
      v.images.push_back(std::move(img));
      return true;
    });
  }

  bool actions(int t, View& v) {
    return each_entry(t, "actions", [&](int e, int) {
      Action a;
      if (!string_field(e, "type", a.type, true) || !string_field(e, "label", a.label, true) ||
          !string_field(e, "url", a.url, false) || !resource_id(e, a.resource_id)) {
        return false;
      }
      if (a.type == "buy") {
        if (!a.url.starts_with("https://") && !a.url.starts_with("http://")) {
          return fail(path_ + ".url must be an http or https address for a buy action");
        }
      } else if (a.type == "open" || a.type == "download") {
        if (!a.resource_id) return fail(path_ + " needs a resource_id for a " + a.type + " action");
      } else {
        return fail(path_ + ".type is '" + a.type + "'; an action is buy, open or download");
      }
      v.actions.push_back(std::move(a));
      return true;
    });
  }

  bool page(int t, View& v) {
    int type = get(t, "page");
    int p = lua_gettop(L_);
    bool ok = true;
    if (type == LUA_TTABLE) {
      path_ = "view.page";
      lua_Integer number = 1, count = 1;
      ok = int_field(p, "number", number, 1, 1000000000, true) && int_field(p, "count", count, 1, 1000000000, true);
      if (ok && number > count) ok = fail("view.page.number is past view.page.count");
      if (ok) v.page = PagePosition{static_cast<int>(number), static_cast<int>(count)};
      path_ = "view";
    } else if (type != LUA_TNIL) {
      ok = fail(std::string("view.page is ") + type_of(type) + ", not a table");
    }
    lua_pop(L_, 1);
    return ok;
  }

  bool notes(int t, View& v) {
    int type = get(t, "notes");
    int list = lua_gettop(L_);
    bool ok = true;
    if (type != LUA_TNIL) {
      lua_Integer n = 0;
      ok = sequence(list, "view.notes", n);
      for (lua_Integer i = 1; ok && i <= n; ++i) {
        lua_rawgeti(L_, list, i);
        std::string note;
        ok = text_value(-1, note, "view.notes[" + std::to_string(i) + "]");
        lua_pop(L_, 1);
        v.notes.push_back(std::move(note));
      }
    }
    lua_pop(L_, 1);
    return ok;
  }

  lua_State* L_;
  std::string& error_;
  std::string path_;
  std::size_t block_count_ = 0;
  std::size_t text_bytes_ = 0;
};

}  // namespace

bool read_view(lua_State* L, int index, View& out, std::string& error) {
  index = lua_absindex(L, index);
  if (!lua_checkstack(L, 3 * kMaxDepth + 20)) {
    error = "handler_bad_view: no room to read the view";
    return false;
  }
  Reader r(L, error);
  return r.view(index, out);
}

}  // namespace mc::client::handlers
