// The client's one reading of HTTP statuses: a non-2xx answer becomes the
// Error its body describes, with the kind its status stands for. Nothing
// else in the client looks at a status number to decide what went wrong.
#pragma once

#include <string_view>

#include "core/error.hpp"

namespace mc::client {

bool is_success(int status);  // 2xx
ErrorKind kind_for_status(int status);
// From the protocol's error body {"error":{"code","message"}}; a body without
// one gives code "http_STATUS".
Error error_from_http(int status, std::string_view body);

}  // namespace mc::client
