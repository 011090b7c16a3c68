// The one place where errors become HTTP answers:
//   status + {"error":{"code":"machine_code","message":"human text"}}
// The status comes from the error's kind (http_status); nothing else on the
// server picks a status for an error.
#pragma once

#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "server/net/http_types.hpp"

namespace mc::net {

int http_status(const Error& e);
HttpResponse json_response(int status, const boost::json::value& body);
HttpResponse error_response(const Error& e);

}  // namespace mc::net
