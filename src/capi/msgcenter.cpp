// The C API (include/msgcenter/msgcenter.h) over the message center: JSON
// in, JSON out, and no exception ever crosses into the caller. Everything
// else in the library is hidden from the shared object (exports.map).
#include "msgcenter/msgcenter.h"

#include <boost/json.hpp>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>

#include "client/api/message_center.hpp"
#include "core/random.hpp"
#include "core/version.hpp"

using mc::Error;
using mc::ErrorKind;
using mc::client::MessageCenter;
namespace json = boost::json;

struct mc_client {
  std::unique_ptr<MessageCenter> center;
};

namespace {

constexpr std::size_t kMaxRequest = 1 << 20;  // bytes of request JSON
constexpr std::size_t kMaxOperationName = 64;

int status_of(const Error& e) {
  switch (e.kind) {
    case ErrorKind::kInvalidArgument:
      return MC_ERR_INVALID_ARGUMENT;
    case ErrorKind::kFailedPrecondition:
      return MC_ERR_FAILED_PRECONDITION;
    case ErrorKind::kOutOfRange:
      return MC_ERR_OUT_OF_RANGE;
    case ErrorKind::kNotFound:
      return MC_ERR_NOT_FOUND;
    case ErrorKind::kAlreadyExists:
      return MC_ERR_ALREADY_EXISTS;
    case ErrorKind::kPermissionDenied:
      return MC_ERR_PERMISSION_DENIED;
    case ErrorKind::kUnauthenticated:
      return MC_ERR_UNAUTHENTICATED;
    case ErrorKind::kResourceExhausted:
      return MC_ERR_RESOURCE_EXHAUSTED;
    case ErrorKind::kTooLarge:
      return MC_ERR_TOO_LARGE;
    case ErrorKind::kDataLoss:
      return MC_ERR_DATA_LOSS;
    case ErrorKind::kUnimplemented:
      return MC_ERR_UNIMPLEMENTED;
    case ErrorKind::kUnavailable:
      return MC_ERR_UNAVAILABLE;
    case ErrorKind::kCancelled:
      return MC_ERR_CANCELLED;
    case ErrorKind::kInternal:
      return MC_ERR_INTERNAL;
  }
  return MC_ERR_INTERNAL;
}

// A malloc'd copy (mc_free is free), or nullptr when memory ran out.
char* copy_out(std::string_view s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) return nullptr;
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

std::string error_text(const Error& e) {
  return json::serialize(json::object{
      {"error", json::object{{"code", e.code}, {"message", e.message}, {"kind", std::string(mc::kind_name(e.kind))}}}});
}

// Sets *out (when out is given) to the error's JSON; returns its status.
int fail(const Error& e, char** out) {
  if (out) *out = copy_out(error_text(e));
  return status_of(e);
}

// Parses a JSON object; `what` names it in the error.
mc::Result<json::object> parse_object(const char* text, const char* what) {
  std::size_t n = std::strlen(text);
  if (n > kMaxRequest) {
    return Error::too_large("request_too_large",
                            std::string(what) + " is longer than " + std::to_string(kMaxRequest) + " bytes");
  }
  boost::system::error_code ec;
  json::value v = json::parse(std::string_view(text, n), ec);
  if (ec) return Error::invalid_argument("malformed_json", std::string(what) + " is not valid JSON: " + ec.message());
  if (!v.is_object()) return Error::invalid_argument("malformed_json", std::string(what) + " must be a JSON object");
  return std::move(v.as_object());
}

Error null_argument(const char* name) {
  return Error::invalid_argument("null_argument", std::string(name) + " must not be NULL");
}

// Every entry point's guard: whatever escapes becomes an error value.
template <class F>
int guarded(char** out, F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    if (out) *out = nullptr;
    return MC_ERR_INTERNAL;
  } catch (const std::exception& e) {
    try {
      return fail(Error::internal(std::string("unexpected failure: ") + e.what()), out);
    } catch (...) {
    }
  } catch (...) {
  }
  if (out) *out = nullptr;
  return MC_ERR_INTERNAL;
}

}  // namespace

extern "C" {

mc_client* mc_client_new(const char* config_json, char** error_json) {
  if (error_json) *error_json = nullptr;
  mc_client* made = nullptr;
  guarded(error_json, [&]() -> int {
    if (!config_json) return fail(null_argument("config_json"), error_json);
    mc::init_crypto();
    auto obj = parse_object(config_json, "config_json");
    if (!obj) return fail(obj.error(), error_json);
    mc::client::MessageCenterConfig config;
    for (const auto& kv : *obj) {
      std::string_view key = kv.key();
      if (key != "server" && key != "home" && key != "device_name") {
        return fail(Error::invalid_argument("unknown_field", "the configuration has no field '" + std::string(key) +
                                                                 "' (it takes: server, home, device_name)"),
                    error_json);
      }
      if (!kv.value().is_string()) {
        return fail(Error::invalid_argument("invalid_field", "field '" + std::string(key) + "' must be a string"),
                    error_json);
      }
    }
    auto str = [&](const char* k) {
      const auto* v = obj->if_contains(k);
      return v ? std::string(v->get_string()) : std::string();
    };
    config.server = str("server");
    config.home = str("home");
    config.device_name = str("device_name");
    if (config.device_name.size() > 128) {
      return fail(Error::invalid_argument("field_too_long", "field 'device_name' is longer than 128 bytes"),
                  error_json);
    }
    auto center = MessageCenter::open(std::move(config));
    if (!center) return fail(center.error(), error_json);
    made = new mc_client{std::move(*center)};
    return MC_OK;
  });
  return made;
}

int mc_call(mc_client* c, const char* operation, const char* request_json, char** answer_json) {
  if (answer_json) *answer_json = nullptr;
  return guarded(answer_json, [&]() -> int {
    if (!c) return fail(null_argument("the client"), answer_json);
    if (!operation) return fail(null_argument("operation"), answer_json);
    if (std::strlen(operation) > kMaxOperationName) {
      return fail(Error::not_found("unknown_operation", "no operation has a name that long"), answer_json);
    }
    json::object request;
    if (request_json) {
      auto parsed = parse_object(request_json, "request_json");
      if (!parsed) return fail(parsed.error(), answer_json);
      request = std::move(*parsed);
    }
    auto answer = c->center->call(operation, request);
    if (!answer) return fail(answer.error(), answer_json);
    if (answer_json) {
      *answer_json = copy_out(json::serialize(*answer));
      if (!*answer_json) return MC_ERR_INTERNAL;
    }
    return MC_OK;
  });
}

int mc_next_event(mc_client* c, int timeout_ms, char** event_json) {
  if (event_json) *event_json = nullptr;
  bool got = false;
  int rc = guarded(event_json, [&]() -> int {
    if (!c) return fail(null_argument("the client"), event_json);
    if (!event_json) return fail(null_argument("event_json"), event_json);
    for (;;) {
      // Negative: wait until an event, an hour at a time.
      auto wait = std::chrono::milliseconds(timeout_ms < 0 ? 3600 * 1000 : timeout_ms);
      auto e = c->center->next_event(wait);
      if (!e) return fail(e.error(), event_json);
      if (*e) {
        *event_json = copy_out(json::serialize(**e));
        if (!*event_json) return MC_ERR_INTERNAL;
        got = true;
        return MC_OK;
      }
      if (timeout_ms >= 0) return MC_OK;
    }
  });
  if (rc != MC_OK) return -rc;
  return got ? 1 : 0;
}

int mc_set_event_callback(mc_client* c, mc_event_callback callback, void* user_data) {
  return -guarded(nullptr, [&]() -> int {
    if (!c) return MC_ERR_INVALID_ARGUMENT;
    if (!callback) {
      c->center->set_event_handler(nullptr);
      return MC_OK;
    }
    c->center->set_event_handler([callback, user_data](const json::object& e) {
      std::string text = json::serialize(e);
      callback(text.c_str(), user_data);
    });
    return MC_OK;
  });
}

void mc_cancel(mc_client* c) {
  guarded(nullptr, [&]() -> int {
    if (c) c->center->cancel();
    return MC_OK;
  });
}

void mc_free(void* p) { std::free(p); }

void mc_client_free(mc_client* c) {
  guarded(nullptr, [&]() -> int {
    delete c;
    return MC_OK;
  });
}

static_assert(std::string_view(MC_VERSION_STRING) == mc::kVersion, "msgcenter.h and core/version.hpp disagree");
const char* mc_version(void) { return MC_VERSION_STRING; }

}  // extern "C"
