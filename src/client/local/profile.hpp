// The client's profile under --home: which server, who is logged in, the
// token and this install's device id. Stored as profile.json, mode 0600,
// replaced atomically so that a crash never leaves half a profile.
#pragma once

#include <string>

#include "core/error.hpp"

namespace mc::client {

struct Profile {
  std::string server;
  std::string network_id;
  std::string token;
  std::string device_id;
  std::string device_name;  // the app's label for this install ("" if none)
};

// A missing profile is an empty Profile, not an error.
Result<Profile> load_profile(const std::string& home);
Status save_profile(const std::string& home, const Profile& p);

}  // namespace mc::client
