// Fetching a page from outside the catalog, when the user allowed it
// (browser.fetch_external): plain HTTP over the client's own HTTP client,
// with a size limit, an overall time limit and at most five redirects.
#pragma once

#include <string>

#include "client/local/client_config.hpp"
#include "core/error.hpp"

namespace mc::client {

struct FetchedPage {
  std::string url;  // after redirects
  std::string content_type;
  std::string body;
};

// Errors: kInvalidArgument "unsupported_url" (not an http URL; https is not
// supported by this client yet), kTooLarge "page_too_large",
// kUnavailable "fetch_timeout", kUnavailable "fetch_failed" (an error
// status, too many redirects), network errors.
Result<FetchedPage> fetch_page(const std::string& url, const BrowserConfig& limits);

}  // namespace mc::client
