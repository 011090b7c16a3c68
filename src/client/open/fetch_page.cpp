#include "client/open/fetch_page.hpp"

#include <chrono>

#include "client/browser/links.hpp"
#include "client/transport/http_client.hpp"

namespace mc::client {

Result<FetchedPage> fetch_page(const std::string& start_url, const BrowserConfig& limits) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(limits.fetch_timeout_seconds);
  const auto max = static_cast<std::size_t>(limits.fetch_max_bytes);
  std::string url = start_url;
  for (int hop = 0; hop <= 5; ++hop) {
    auto t = http_target(url);
    if (!t) return Error::invalid_argument("unsupported_url", url + " is not an http:// or https:// URL");
    if (t->scheme != "http") {
      return Error::invalid_argument("unsupported_url", "this client fetches http:// pages only, not " + url);
    }
    HttpClient http(Url{t->host, t->port, ""});
    auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero())
      return Error::unavailable("fetch_timeout", "fetching " + url + " took too long");
    http.set_deadline(deadline);
    FetchedPage page;
    page.url = url;
    auto on_head = [&](const HttpReply& head) -> Status {
      page.content_type = head.header("content-type");
      return {};
    };
    auto on_body = [&](const char* data, std::size_t n) -> Status {
      if (page.body.size() + n > max) {
        return Error{ErrorKind::kTooLarge, "page_too_large",
                     url + " sends more than " + std::to_string(max) + " bytes (browser.fetch_max_bytes)"};
      }
      if (Clock::now() > deadline) return Error::unavailable("fetch_timeout", "fetching " + url + " took too long");
      page.body.append(data, n);
      return {};
    };
    Headers h{{"Accept", "text/html, text/plain;q=0.9"}, {"User-Agent", "msgc"}};
    auto reply = http.get_streamed(t->target, h, on_head, on_body);
    if (!reply) {
      if (reply.error().kind == ErrorKind::kUnavailable && Clock::now() > deadline) {
        return Error::unavailable("fetch_timeout", "fetching " + url + " took too long");
      }
      return reply.error();
    }
    if (reply->status >= 300 && reply->status < 400 && !reply->header("location").empty()) {
      url = resolve_url(url, reply->header("location"));
      continue;
    }
    if (reply->status < 200 || reply->status >= 300) {
      return Error::unavailable("fetch_failed", url + " answered HTTP " + std::to_string(reply->status));
    }
    return page;
  }
  return Error::unavailable("fetch_failed", start_url + " redirects more than five times");
}

}  // namespace mc::client
