#include "server/handlers/key_commands.hpp"

#include <cstdio>

#include "core/durable_file.hpp"
#include "core/handler/package.hpp"
#include "core/random.hpp"

namespace mc::handlers {

namespace {

int fail(const Error& e) {
  std::fprintf(stderr, "error: %s (%s)\n", e.message.c_str(), e.code.c_str());
  return 1;
}

}  // namespace

int add_handler_key(store::HandlerStore& store, const std::string& public_key_file) {
  auto text = read_small_file(public_key_file, 4096);
  if (!text) return fail(text.error());
  auto key = handler::parse_public_key_text(*text);
  if (!key) {
    // A secret key file is the likeliest mix-up: say so, and never echo it.
    if (handler::parse_secret_key_text(*text)) {
      std::fprintf(stderr,
                   "error: %s is a secret key; register the public key (%s.pub) and keep the secret key off the "
                   "server (bad_key_file)\n",
                   public_key_file.c_str(), public_key_file.c_str());
      return 2;
    }
    return fail(key.error());
  }
  std::string id = handler::key_id(*key);
  auto added = store.add_key(id, to_hex(*key));
  if (!added) return fail(added.error());
  std::printf("registered handler publishing key %s\n", id.c_str());
  return 0;
}

int list_handler_keys(store::HandlerStore& store) {
  auto keys = store.list_keys();
  if (!keys) return fail(keys.error());
  for (const auto& k : *keys) std::printf("%s %s\n", k.key_id.c_str(), k.public_key.c_str());
  return 0;
}

}  // namespace mc::handlers
