#include "client/local/profile.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mc::client {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {
std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
}  // namespace

Result<Profile> load_profile(const std::string& home) {
  std::string path = home + "/profile.json";
  std::ifstream in(path);
  if (!in) return Profile{};
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(ss.str(), ec);
  if (ec || !v.is_object()) {
    return Error::failed_precondition("bad_profile", path + " is damaged; remove it and log in again");
  }
  const auto& o = v.as_object();
  return Profile{str(o, "server"), str(o, "network_id"), str(o, "token"), str(o, "device_id"), str(o, "device_name")};
}

Status save_profile(const std::string& home, const Profile& p) {
  std::error_code ec;
  fs::create_directories(home, ec);
  if (ec) return Error::failed_precondition("cannot_write_file", "cannot create " + home + ": " + ec.message());
  fs::permissions(home, fs::perms::owner_all, fs::perm_options::replace, ec);
  json::object o{{"server", p.server}, {"network_id", p.network_id}, {"token", p.token}, {"device_id", p.device_id}};
  if (!p.device_name.empty()) o["device_name"] = p.device_name;
  std::string text = json::serialize(o);
  std::string tmp = home + "/profile.json.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error::failed_precondition("cannot_write_file", "cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), (home + "/profile.json").c_str()) != 0) {
    return Error::failed_precondition("cannot_write_file", "cannot save the profile in " + home);
  }
  return {};
}

}  // namespace mc::client
