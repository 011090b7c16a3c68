#include "client/local/client_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mc::client {
namespace {

class ClientConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() / ("mc-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  void write(const std::string& text) { std::ofstream(home_ / "config.toml") << text; }
  std::filesystem::path home_;
};

TEST_F(ClientConfigTest, NoFileMeansDefaults) {
  auto c = load_client_config(home_.string());
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->browser.fetch_external);
  EXPECT_EQ(c->browser.max_page_bytes, 32 << 20);
}

TEST_F(ClientConfigTest, SettingsAreRead) {
  write("[browser]\nfetch_external = true\nfetch_timeout_seconds = 3\ndefault_charset = \"GBK\"\n");
  auto c = load_client_config(home_.string());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->browser.fetch_external);
  EXPECT_EQ(c->browser.fetch_timeout_seconds, 3);
  EXPECT_EQ(c->browser.default_charset, "GBK");
}

TEST_F(ClientConfigTest, HandlerKeysAreRead) {
  std::string key(64, 'a');
  write("[handlers]\nkeys = [\"" + key + "\"]\n");
  auto c = load_client_config(home_.string());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->handlers.keys, std::vector<std::string>{key});
}

TEST_F(ClientConfigTest, MistakesAreNamed) {
  for (const auto& [text, says] : std::vector<std::pair<std::string, std::string>>{
           {"[browser]\nfetch_externl = true\n", "unknown setting 'browser.fetch_externl'"},
           {"[browser]\nfetch_timeout_seconds = 0\n", "from 1 to 600"},
           {"[browser]\ndefault_charset = \"klingon\"\n", "must name a charset"},
           {"[brwser]\n", "unknown setting 'brwser'"},
           {"[browser\n", "line 1"},
           {"[handlers]\nkeys = \"abc\"\n", "handlers.keys must be a list"},
           {"[handlers]\nkeys = [\"ABCD\"]\n", "64 lower-case hex digits"},
           {"[handlers]\nkey = []\n", "unknown setting 'handlers.key'"},
       }) {
    write(text);
    auto c = load_client_config(home_.string());
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().code, "bad_config");
    EXPECT_NE(c.error().message.find(says), std::string::npos) << c.error().message;
  }
}

}  // namespace
}  // namespace mc::client
