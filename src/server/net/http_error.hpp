// The one place where errors become HTTP answers:
//   status + {"error":{"code":"machine_code","message":"human text"}}
#pragma once

#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "server/net/http_types.hpp"

namespace mc::net {

HttpResponse json_response(int status, const boost::json::value& body);
HttpResponse error_response(const Error& e);

}  // namespace mc::net
