// How msgc prints: a human line, or with --json one JSON object per line
// (the shapes of docs/protocol.md, from the wire codec).
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/wire/records.hpp"

namespace mc::cli {

void print_json_line(const boost::json::object& o);
std::string resource_line(const wire::Resource& r);
// Every field of a resource, one per line (msgc resource ID).
std::string resource_details(const wire::Resource& r);
std::string item_line(const wire::InboxItem& item);
std::string group_line(const wire::Group& g);
std::string receipt_line(const wire::Receipt& r);

// "error: message (code)" on stderr; returns the exit code (1).
int report(const Error& e);
// "error: message" on stderr, for a command line that makes no sense;
// returns the exit code of usage errors (2).
int usage_error(const std::string& message);

std::string human_size(std::int64_t bytes);
// "2026-11-24 22:10", or "-" when unset.
std::string time_or_dash(const std::optional<std::int64_t>& ms);

}  // namespace mc::cli
