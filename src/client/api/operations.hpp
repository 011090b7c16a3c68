// The operation table: every client operation, by name, taking a JSON
// request and giving a JSON answer (the protocol's field names and records,
// docs/client-api.md). msgc's commands and the C API's mc_call both run
// through it; an operation added here is reachable from both at once.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <span>
#include <string_view>

#include "client/api/message_center.hpp"
#include "core/error.hpp"

namespace mc::client {

struct Operation {
  std::string_view name;     // as msgc's command: "login", "catalog", ...
  std::string_view summary;  // one line, for listings
  bool needs_login;
  Result<boost::json::object> (*run)(MessageCenter& mc, const boost::json::object& request, const CallOptions& options);
};

std::span<const Operation> operations();
// nullptr when there is none of that name.
const Operation* find_operation(std::string_view name);

}  // namespace mc::client
