// `msgcenterd recommend` (retrain now, store every active user's picks)
// and `msgcenterd recommend eval --events FILE.csv [--json]` (the offline
// evaluation on any user,item,timestamp log; docs/pushes.md).
#pragma once

#include <string>

#include "store/backend.hpp"

namespace mc::push {

// Exit codes: 0 done, 1 a store failure.
int recommend_now(store::Backend& stores);

// Exit codes: 0 done, 2 the file is unreadable or malformed, 1 otherwise.
int recommend_eval(const std::string& events_file, bool json);

}  // namespace mc::push
