#include "client/handlers/installed.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/durable_file.hpp"

namespace mc::client {
namespace {

class InstalledTest : public testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() / ("installed_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(home_);
    key_ = handler::generate_key_pair();
    keys_.public_keys = {key_.public_key};
    keys_.key_ids = {handler::key_id(key_.public_key)};
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  std::string package(const std::string& version, const std::string& main_lua = "return function() end",
                      const handler::KeyPair* key = nullptr) {
    auto m = handler::parse_manifest(R"({"name":"reader","version":")" + version +
                                     R"(","kinds":["novel"],"mimes":["text/plain"],"entry":"main.lua",)"
                                     R"("min_client":"0.1.0","description":""})");
    EXPECT_TRUE(m) << m.error().message;
    auto bytes = handler::build_package(*m, {{"main.lua", main_lua}}, key ? *key : key_);
    EXPECT_TRUE(bytes) << bytes.error().message;
    return *bytes;
  }

  std::string home() const { return home_.string(); }

  std::filesystem::path home_;
  handler::KeyPair key_;
  PinnedKeys keys_;
};

TEST_F(InstalledTest, AnInstalledHandlerIsFoundByKindAndLoadsVerified) {
  auto h = install_handler(home(), package("1.0.0"), keys_);
  ASSERT_TRUE(h) << h.error().message;
  auto list = installed_handlers(home());
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  auto best = best_installed(*list, "novel", "");
  ASSERT_TRUE(best);
  EXPECT_EQ(best->version, "1.0.0");
  EXPECT_FALSE(best_installed(*list, "music", "audio/ogg"));
  EXPECT_TRUE(load_installed(home(), *best, keys_));
}

TEST_F(InstalledTest, AFileChangedUnderHomeIsRefusedAtLoad) {
  auto h = install_handler(home(), package("1.0.0"), keys_);
  ASSERT_TRUE(h);
  std::string path = home() + "/handlers/reader/1.0.0.mch";
  auto bytes = *read_small_file(path, 1 << 20);
  bytes[bytes.find("return") + 1] ^= 0x01;
  ASSERT_TRUE(write_file_durably(path, bytes));
  auto loaded = load_installed(home(), *h, keys_);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, "bad_signature");
}

TEST_F(InstalledTest, VersionsOnlyGoUpEvenAfterARemove) {
  ASSERT_TRUE(install_handler(home(), package("1.2.0"), keys_));
  auto older = install_handler(home(), package("1.1.9"), keys_);
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().code, "handler_downgrade");
  ASSERT_TRUE(remove_handler(home(), "reader"));
  EXPECT_EQ(installed_handlers(home())->size(), 0u);
  older = install_handler(home(), package("1.1.9"), keys_);
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().code, "handler_downgrade");
  EXPECT_TRUE(install_handler(home(), package("1.2.0"), keys_)) << "the same version again is no downgrade";
  EXPECT_EQ(remove_handler(home(), "nothing").error().code, "handler_not_installed");
}

TEST_F(InstalledTest, AnUpdateThatFailsToVerifyOrLoadKeepsTheOldOne) {
  ASSERT_TRUE(install_handler(home(), package("1.0.0"), keys_));
  auto stranger = handler::generate_key_pair();
  auto forged = install_handler(home(), package("2.0.0", "return function() end", &stranger), keys_);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, "unknown_signing_key");
  auto broken = install_handler(home(), package("2.0.0", "return 42"), keys_);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, "handler_error");
  auto looping = install_handler(home(), package("2.0.0", "while true do end"), keys_);
  ASSERT_FALSE(looping);
  EXPECT_EQ(looping.error().code, "handler_limit");
  auto list = installed_handlers(home());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].version, "1.0.0");
  EXPECT_TRUE(load_installed(home(), (*list)[0], keys_));
  EXPECT_FALSE(std::filesystem::exists(home() + "/handlers/reader/2.0.0.mch"));
}

TEST_F(InstalledTest, NothingIsInstalledWithoutAPinnedKey) {
  auto r = install_handler(home(), package("1.0.0"), PinnedKeys{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "unknown_signing_key");
  EXPECT_NE(r.error().message.find("[handlers] keys"), std::string::npos);
}

TEST_F(InstalledTest, KeysArePinnedPerServerAndConfiguredKeysWin) {
  ClientConfig config;
  const std::string a = "http://a.example:8080", b = "http://b.example:8080";
  auto k = pinned_keys(home(), config, a);
  ASSERT_TRUE(k);
  EXPECT_TRUE(k->public_keys.empty());
  ASSERT_TRUE(write_file_durably(home() + "/handler-keys.json", R"({"servers":{")" + a +
                                                                    R"(":{"keys":[{"key_id":"x","public_key":")" +
                                                                    std::string(64, 'a') + R"("}]}}})"));
  k = pinned_keys(home(), config, a);
  ASSERT_TRUE(k);
  ASSERT_EQ(k->public_keys.size(), 1u);
  EXPECT_FALSE(k->from_config);
  EXPECT_EQ(k->key_ids[0], handler::key_id(std::string(32, '\xaa'))) << "the id is computed, not read";
  EXPECT_TRUE(pinned_keys(home(), config, b)->public_keys.empty()) << "another server's keys are its own";
  config.handlers.keys = {std::string(64, 'b')};
  k = pinned_keys(home(), config, a);
  ASSERT_TRUE(k);
  EXPECT_TRUE(k->from_config);
  EXPECT_EQ(k->public_keys[0], std::string(32, '\xbb'));
  ASSERT_TRUE(write_file_durably(home() + "/handler-keys.json",
                                 R"({"servers":{")" + a + R"(":{"keys":[{"public_key":"zz"}]}}})"));
  config.handlers.keys.clear();
  EXPECT_EQ(pinned_keys(home(), config, a).error().code, "bad_key_file");
}

TEST_F(InstalledTest, AHandlerThatNeedsANewerClientIsRefused) {
  auto m = handler::parse_manifest(R"({"name":"reader","version":"1.0.0","kinds":["novel"],"mimes":[],)"
                                   R"("entry":"main.lua","min_client":"99.0.0","description":""})");
  ASSERT_TRUE(m);
  auto bytes = handler::build_package(*m, {{"main.lua", "return function() end"}}, key_);
  ASSERT_TRUE(bytes);
  auto r = install_handler(home(), *bytes, keys_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "handler_needs_newer_client");
}

TEST_F(InstalledTest, StateRoundTripsAndABrokenFileStartsAfresh) {
  std::string path = handler_state_path(home(), "reader");
  EXPECT_EQ(path, home() + "/handlers/reader/state.json");
  ASSERT_TRUE(save_handler_state(path, {{"index:abc", "1,2,3"}}));
  auto s = load_handler_state(path);
  EXPECT_EQ(s.at("index:abc"), "1,2,3");
  ASSERT_TRUE(write_file_durably(path, "{not json"));
  s = load_handler_state(path);
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace mc::client
