#include "client/open/open.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "client/acquire/catalog.hpp"
#include "client/browser/ascii.hpp"
#include "client/browser/html_view.hpp"
#include "client/browser/links.hpp"
#include "client/handlers/open_with_handler.hpp"
#include "client/local/local_store.hpp"
#include "client/open/fetch_page.hpp"
#include "client/open/text_view.hpp"
#include "client/sync/inbox.hpp"
#include "core/durable_file.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace fs = std::filesystem;

namespace {

Result<std::string> read_whole(const std::string& path, std::size_t max) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return Error::failed_precondition("cannot_read_file", "cannot read " + path + ": " + ec.message());
  if (size > max) {
    return Error{ErrorKind::kTooLarge, "page_too_large",
                 path + " is " + std::to_string(size) + " bytes; the viewer opens up to " + std::to_string(max) +
                     " (browser.max_page_bytes)"};
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) return Error::failed_precondition("cannot_read_file", "cannot read " + path);
  return ss.str();
}

// The resource's bytes on this terminal: HOME/cache/SHA256, downloaded
// (resuming, verified) when missing. A file there was verified before it
// was named, so its name is its checksum.
Result<std::string> cached_copy(Connection& conn, const wire::Resource& r, const OpenOptions& o) {
  // The name comes from the server: only a SHA-256 in hex may become a path.
  bool hex = r.sha256.size() == 64;
  for (char c : r.sha256) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex) return Error{ErrorKind::kInternal, "unexpected_answer", "the server gave a malformed SHA-256"};
  std::string dir = o.home + "/cache";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error::failed_precondition("cannot_write_file", "cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  std::string path = dir + "/" + r.sha256;
  if (fs::exists(path, ec) && static_cast<std::int64_t>(fs::file_size(path, ec)) == r.size && !ec) return path;
  MC_TRY_STATUS(download_resource(conn, r.id, path, o.progress));
  return path;
}

Page page_for(const Connection& conn, const std::string& bytes, const std::string& content_type, const std::string& url,
              const BrowserConfig& b) {
  Page p;
  p.bytes = bytes;
  p.content_type = content_type;
  p.url = url;
  p.default_charset = b.default_charset;
  p.max_bytes = static_cast<std::size_t>(b.max_page_bytes);
  std::string server = conn.url().text();
  p.resource_of = [server](const std::string& u) { return resource_in_url(u, server); };
  return p;
}

// The resource's record: from the server, kept under HOME/cache/records so
// that it opens again when the server cannot be reached.
Result<wire::Resource> resource_record(Connection& conn, const std::string& resource_id, const OpenOptions& o,
                                       bool& offline) {
  bool safe_id = !resource_id.empty() && resource_id.size() <= 128;
  for (char c : resource_id) safe_id = safe_id && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
  std::string dir = o.home + "/cache/records";
  std::string path = dir + "/" + resource_id + ".json";
  auto r = describe_resource(conn, resource_id);
  if (r) {
    // A cache, written only when it changed (an fsync per open would be
    // most of a warm open's time); best effort.
    std::string text = boost::json::serialize(wire::to_json(*r));
    auto old = read_small_file(path, 1 << 20);
    if (safe_id && (!old || *old != text) && make_dirs_durably(dir, 0700)) (void)write_file_durably(path, text, 0600);
    return r;
  }
  if (!r.error().is(ErrorKind::kUnavailable) || !safe_id) return r.error();
  auto text = read_small_file(path, 1 << 20);
  if (!text) return r.error();
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec) return r.error();
  auto cached = wire::from_json<wire::Resource>(v);
  if (!cached) return r.error();
  offline = true;
  return cached;
}

// An inbox item this profile stored, read back.
std::optional<wire::InboxItem> stored_item(const std::string& home, const std::string& network_id,
                                           const std::string& id) {
  auto local = LocalStore::open(home, network_id);
  if (!local) return std::nullopt;
  auto json_text = (*local)->item_json(id);
  if (!json_text || !*json_text) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(**json_text, ec);
  if (ec) return std::nullopt;
  auto item = wire::from_json<wire::InboxItem>(v);
  if (!item) return std::nullopt;
  return std::move(*item);
}

// What the terminal shows for a resource nothing here opens: what it is and
// where its verified copy is.
View details_view(const wire::Resource& r, const std::string& path) {
  View v;
  v.opener = "details";
  v.title = r.title;
  std::string tags;
  for (const auto& t : r.tags) tags += (tags.empty() ? "" : ", ") + t;
  Block facts;
  facts.type = BlockType::kFacts;
  facts.rows = {{"Kind", r.type},      {"Type", r.mime},           {"Size", std::to_string(r.size) + " bytes"},
                {"SHA-256", r.sha256}, {"Publisher", r.publisher}, {"Tags", tags},
                {"Saved at", path}};
  v.blocks.push_back(std::move(facts));
  v.blocks.push_back(
      Block::with_text(BlockType::kParagraph, "No handler on this terminal or in the provider's store opens " + r.type +
                                                  " resources (" + r.mime + "). The file is saved above; msgc get " +
                                                  r.id + " copies it where you like."));
  v.actions.push_back(Action{"download", "Download", "", r.id});
  return v;
}

Result<Opened> open_by_id(Connection& conn, const std::string& resource_id, const OpenOptions& o) {
  Opened out;
  MC_TRY(auto r, resource_record(conn, resource_id, o, out.offline));
  MC_TRY(auto path, cached_copy(conn, r, o));
  std::string opener = opener_for(r);
  const BrowserConfig& b = o.config.browser;
  if (opener == "browser") {
    MC_TRY(auto bytes, read_whole(path, static_cast<std::size_t>(b.max_page_bytes)));
    MC_TRY(out.view, html_to_view(page_for(conn, bytes, r.mime, resource_content_url(conn.url().text(), r.id), b)));
  } else {
    HandlerOpen ho{o.home, o.config, o.page, o.input, o.show};
    MC_TRY(auto by_handler, open_with_handler(conn, r, path, ho));
    out.handler_refused = by_handler.refused;
    out.pinned_keys = by_handler.pinned_now;
    if (by_handler.view) {
      out.view = std::move(*by_handler.view);
      out.handler = by_handler.handler;
      out.handler_installed = by_handler.installed_now;
    } else if (opener == "text") {
      MC_TRY(auto bytes, read_whole(path, static_cast<std::size_t>(b.max_page_bytes)));
      MC_TRY(out.view, text_to_view(bytes, r.mime, b.default_charset, static_cast<std::size_t>(b.max_page_bytes)));
    } else {
      out.view = details_view(r, path);
    }
    if (out.handler_refused) {
      out.view.notes.push_back(out.handler_refused->message + " (" + out.handler_refused->code + ")");
    }
  }
  out.view.kind = r.type;
  if (out.view.title.empty()) out.view.title = r.title;
  out.resource = std::move(r);
  out.path = std::move(path);
  return out;
}

Result<Opened> open_external(Connection& conn, const Link& link, const OpenOptions& o) {
  Opened out;
  out.followed = link;
  out.external = true;
  if (!o.config.browser.fetch_external) return out;
  MC_TRY(auto page, fetch_page(link.href, o.config.browser));
  const BrowserConfig& b = o.config.browser;
  bool html = page.content_type.empty() || starts_with_ascii_ci(page.content_type, "text/html") ||
              starts_with_ascii_ci(page.content_type, "application/xhtml");
  if (html) {
    MC_TRY(out.view, html_to_view(page_for(conn, page.body, page.content_type, page.url, b)));
  } else if (starts_with_ascii_ci(page.content_type, "text/")) {
    MC_TRY(out.view,
           text_to_view(page.body, page.content_type, b.default_charset, static_cast<std::size_t>(b.max_page_bytes)));
  } else {
    return Error::failed_precondition("no_handler", page.url + " is " + page.content_type +
                                                        ", which the built-in browser does not show");
  }
  out.view.kind = "webpage";
  if (out.view.title.empty()) out.view.title = page.url;
  out.fetched = true;
  return out;
}

Result<Opened> follow_link(Connection& conn, const Opened& page, int n, const OpenOptions& o) {
  const auto& links = page.view.links;
  if (links.empty()) return Error::invalid_argument("no_such_link", "this page has no links");
  if (n < 1 || n > static_cast<int>(links.size())) {
    return Error::invalid_argument("no_such_link", "this page has links 1 to " + std::to_string(links.size()) +
                                                       "; there is no link " + std::to_string(n));
  }
  const Link& link = links[static_cast<std::size_t>(n - 1)];
  if (!link.resource_id) return open_external(conn, link, o);
  MC_TRY(auto target, open_by_id(conn, *link.resource_id, o));
  target.followed = link;
  return target;
}

}  // namespace

std::string opener_for(const wire::Resource& r) {
  if (r.type == "webpage" || starts_with_ascii_ci(r.mime, "text/html") ||
      starts_with_ascii_ci(r.mime, "application/xhtml+xml")) {
    return "browser";
  }
  if (starts_with_ascii_ci(r.mime, "text/")) return "text";
  return "";
}

Result<Opened> open_resource(Connection& conn, const std::string& id, const OpenOptions& o) {
  std::string resource_id = id;
  std::optional<std::string> item_id;
  bool item_offline = false;
  if (id.starts_with("i_")) {
    auto item = get_item(conn, id);
    if (!item && item.error().is(ErrorKind::kUnavailable) && !o.network_id.empty()) {
      // The server is out of reach: an item this profile stored (msgc inbox
      // --follow stores each one) still names its resource.
      auto stored = stored_item(o.home, o.network_id, id);
      if (stored) {
        item = std::move(*stored);
        item_offline = true;
      }
    }
    if (!item) return item.error();
    if (item->resource.id.empty()) return Error::invalid_argument("no_resource", id + " carries no resource to open");
    resource_id = item->resource.id;
    item_id = id;
  }
  MC_TRY(auto opened, open_by_id(conn, resource_id, o));
  if (item_offline) {
    // No receipt can be sent now; nothing queues it.
    opened.item_id = item_id;
    opened.offline = true;
    opened.view.notes.push_back(
        "the server cannot be reached: the sender is not told this was opened (open it again online to tell them)");
  } else if (item_id) {
    // The sender's receipt says "opened" only once it has been.
    MC_TRY_STATUS(mark_opened(conn, *item_id));
    opened.item_id = item_id;
  }
  if (!o.link) return opened;
  return follow_link(conn, opened, *o.link, o);
}

}  // namespace mc::client
