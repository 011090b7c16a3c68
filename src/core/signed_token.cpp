#include "core/signed_token.hpp"

#include <sodium.h>

namespace mc {

namespace {

constexpr std::size_t kMaxToken = 4096;

std::string mac_of(std::string_view key, std::string_view purpose, std::string_view payload) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  // The purpose and a separator first, so that no payload of one purpose
  // reads as another's.
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size());
  const unsigned char zero = 0;
  crypto_auth_hmacsha256_update(&st, &zero, 1);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(mac.data()));
  return mac;
}

std::string base64url(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    variant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool from_base64url(std::string_view text, std::string& out) {
  out.assign(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return false;
  }
  out.resize(len);
  return true;
}

}  // namespace

std::string sign_token(std::string_view key, std::string_view purpose, std::string_view payload) {
  return base64url(payload) + "." + base64url(mac_of(key, purpose, payload));
}

Result<std::string> open_token(std::string_view key, std::string_view purpose, std::string_view token) {
  auto bad = [] { return Error::invalid_argument("invalid_token", "the token is malformed or was changed"); };
  if (token.size() > kMaxToken) return bad();
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return bad();
  std::string payload, mac;
  if (!from_base64url(token.substr(0, dot), payload) || !from_base64url(token.substr(dot + 1), mac)) return bad();
  std::string expected = mac_of(key, purpose, payload);
  if (mac.size() != expected.size() || sodium_memcmp(mac.data(), expected.data(), mac.size()) != 0) return bad();
  return payload;
}

}  // namespace mc
