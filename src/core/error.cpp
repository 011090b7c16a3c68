#include "core/error.hpp"

namespace mc {

Error Error::bad_request(std::string c, std::string m) { return {400, std::move(c), std::move(m)}; }
Error Error::unauthorized(std::string c, std::string m) { return {401, std::move(c), std::move(m)}; }
Error Error::forbidden(std::string c, std::string m) { return {403, std::move(c), std::move(m)}; }
Error Error::not_found(std::string c, std::string m) { return {404, std::move(c), std::move(m)}; }
Error Error::conflict(std::string c, std::string m) { return {409, std::move(c), std::move(m)}; }
Error Error::too_large(std::string c, std::string m) { return {413, std::move(c), std::move(m)}; }
Error Error::unprocessable(std::string c, std::string m) { return {422, std::move(c), std::move(m)}; }
Error Error::internal(std::string m) { return {500, "internal", std::move(m)}; }
Error Error::network(std::string m) { return {0, "network", std::move(m)}; }

}  // namespace mc
