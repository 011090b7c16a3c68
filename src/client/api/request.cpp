#include "client/api/request.hpp"

#include "core/json_fields.hpp"

namespace mc::client {

namespace json = boost::json;

namespace {

Error invalid(std::string_view name, const std::string& what) {
  return Error::invalid_argument("invalid_field", "field '" + std::string(name) + "' must be " + what);
}

}  // namespace

Result<RequestReader> RequestReader::of(const json::object& request, std::initializer_list<std::string_view> fields) {
  for (const auto& kv : request) {
    bool known = false;
    for (auto f : fields) known = known || kv.key() == f;
    if (!known) {
      std::string list;
      for (auto f : fields) list += (list.empty() ? "" : ", ") + std::string(f);
      return Error::invalid_argument("unknown_field", "this operation has no field '" + std::string(kv.key()) +
                                                          "' (it takes: " + (list.empty() ? "nothing" : list) + ")");
    }
  }
  return RequestReader(request);
}

Result<std::string> RequestReader::required_string(std::string_view name, std::size_t max_len) const {
  auto v = string_field(*r_, name, true, max_len);
  if (!v) return std::move(v).error();
  // Required: a value is there. (value_or, not *, keeps GCC 12's
  // -Wmaybe-uninitialized quiet at -O2.)
  return std::move(v).value().value_or(std::string());
}

Result<std::optional<std::string>> RequestReader::string(std::string_view name, std::size_t max_len) const {
  return string_field(*r_, name, false, max_len);
}

Result<std::optional<std::int64_t>> RequestReader::integer(std::string_view name, std::int64_t min,
                                                           std::int64_t max) const {
  const auto* v = r_->if_contains(name);
  if (!v || v->is_null()) return std::optional<std::int64_t>{};
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64()) {
    return invalid(name, range);  // above INT64_MAX
  } else if (v->is_double()) {
    // 2.0 is an integer written as a double (JavaScript's JSON does that); 2.5 is not.
    double d = v->get_double();
    if (!(d >= -9.2e18 && d <= 9.2e18) || static_cast<double>(static_cast<std::int64_t>(d)) != d) {
      return invalid(name, range);
    }
    n = static_cast<std::int64_t>(d);
  } else {
    return invalid(name, range);
  }
  if (n < min || n > max) return invalid(name, range);
  return std::optional<std::int64_t>(n);
}

Result<std::optional<bool>> RequestReader::boolean(std::string_view name) const {
  const auto* v = r_->if_contains(name);
  if (!v || v->is_null()) return std::optional<bool>{};
  if (!v->is_bool()) return invalid(name, "true or false");
  return std::optional<bool>(v->get_bool());
}

Result<std::vector<std::string>> RequestReader::strings(std::string_view name, std::size_t max_items,
                                                        std::size_t max_len) const {
  auto v = string_list_field(*r_, name, false, max_items, max_len);
  if (!v) return std::move(v).error();
  return std::move(v).value().value_or(std::vector<std::string>{});
}

}  // namespace mc::client
