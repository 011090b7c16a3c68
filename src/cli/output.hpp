// How msgc prints: a human line, or with --json one JSON object per line.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "core/error.hpp"

namespace mc::cli {

void print_json_line(const boost::json::object& o);
std::string resource_line(const boost::json::object& r);
std::string item_line(const boost::json::object& item);
// "error: message (code)" on stderr; returns the exit code (1).
int report(const Error& e);
std::string human_size(std::int64_t bytes);
// "2026-11-24 22:10", or "-" for 0.
std::string time_or_dash(std::int64_t ms);

}  // namespace mc::cli
