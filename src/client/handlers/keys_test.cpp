#include "client/handlers/keys.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/handler/package.hpp"
#include "core/random.hpp"

namespace mc::client {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(HandlerKeys, KeygenWritesASecretOnlyTheOwnerReadsAndItsPublicHalf) {
  auto dir = fs::temp_directory_path() / ("mc-keys-" + to_hex(random_bytes(6)));
  fs::create_directories(dir);
  std::string path = (dir / "publisher.key").string();
  auto k = write_handler_key_pair(path);
  ASSERT_TRUE(k) << k.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto secret = handler::parse_secret_key_text(read(path));
  auto pub = handler::parse_public_key_text(read(path + ".pub"));
  ASSERT_TRUE(secret);
  ASSERT_TRUE(pub);
  EXPECT_EQ(secret->public_key, *pub);
  EXPECT_EQ(k->key_id, handler::key_id(*pub));
  // Never over an existing key: a lost secret key cannot be recovered.
  std::string before = read(path);
  EXPECT_EQ(write_handler_key_pair(path).error().code, "file_exists");
  EXPECT_EQ(read(path), before);
  fs::remove(path);
  EXPECT_EQ(write_handler_key_pair(path).error().code, "file_exists");  // FILE.pub is still there
  EXPECT_FALSE(fs::exists(path));
  // A secret without its .pub: still never replaced, and no .pub made for it.
  fs::remove(path + ".pub");
  { std::ofstream(path) << before; }
  EXPECT_EQ(write_handler_key_pair(path).error().code, "file_exists");
  EXPECT_EQ(read(path), before);
  EXPECT_FALSE(fs::exists(path + ".pub"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mc::client
