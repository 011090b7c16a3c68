#include "server/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/random.hpp"

namespace mc::server {
namespace {

namespace fs = std::filesystem;

const Setting& setting(const std::string& key) {
  for (const auto& s : settings())
    if (s.key == key) return s;
  throw std::runtime_error("no setting " + key);
}

TEST(ConfigTest, DefaultsComeFromEachSectionsOwnStruct) {
  ServerConfig cfg;
  net::NetOptions net;
  EXPECT_EQ(cfg.net.worker_threads, net.worker_threads) << "one set of defaults, not a copy";
  EXPECT_EQ(cfg.net.listen, "127.0.0.1:8080");
  EXPECT_EQ(cfg.accounts.token_ttl_seconds, 30LL * 24 * 3600);
}

TEST(ConfigTest, SettingsLandInTheirSections) {
  ServerConfig cfg;
  ASSERT_TRUE(setting("io_threads").set(cfg, "3"));
  ASSERT_TRUE(setting("token_ttl_seconds").set(cfg, "60"));
  ASSERT_TRUE(setting("listen").set(cfg, "[::1]:0"));
  EXPECT_EQ(cfg.net.io_threads, 3);
  EXPECT_EQ(cfg.accounts.token_ttl_seconds, 60);
  EXPECT_EQ(cfg.net.listen, "[::1]:0");
  EXPECT_EQ(setting("io_threads").show(cfg), "3");
  EXPECT_NE(describe(cfg).find("token_ttl_seconds=60"), std::string::npos);
}

TEST(ConfigTest, BadValuesAreRefusedWithBadConfig) {
  ServerConfig cfg;
  auto zero = setting("io_threads").set(cfg, "0");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, "bad_config");
  EXPECT_EQ(zero.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_FALSE(setting("worker_threads").set(cfg, "lots"));
  EXPECT_FALSE(setting("listen").set(cfg, "no-port"));
  EXPECT_EQ(cfg.net.io_threads, 2) << "a refused value changes nothing";
}

TEST(ConfigTest, AFileAndTheEnvironmentApplyInOrder) {
  init_crypto();
  fs::path file = fs::temp_directory_path() / ("msgcenter-" + to_hex(random_bytes(6)) + ".toml");
  {
    std::ofstream out(file);
    out << "io_threads = 4\ntoken_ttl_seconds = 120\ndata = \"/srv/mc\"\n";
  }
  ServerConfig cfg;
  ASSERT_TRUE(apply_config_file(cfg, file.string()));
  EXPECT_EQ(cfg.net.io_threads, 4);
  EXPECT_EQ(cfg.data, "/srv/mc");
  ::setenv("MSGCENTER_IO_THREADS", "5", 1);
  auto env = apply_environment(cfg);
  ::unsetenv("MSGCENTER_IO_THREADS");
  ASSERT_TRUE(env);
  EXPECT_EQ(cfg.net.io_threads, 5) << "the environment wins over the file";
  EXPECT_EQ(cfg.accounts.token_ttl_seconds, 120);
  {
    std::ofstream out(file);
    out << "no_such_setting = 1\n";
  }
  auto unknown = apply_config_file(cfg, file.string());
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("no_such_setting"), std::string::npos);
  fs::remove(file);
}

TEST(ConfigTest, StoreIsSQLiteUnlessAPostgresUrlAndItsPasswordIsNeverShown) {
  ServerConfig cfg;
  EXPECT_EQ(blobs_dir(cfg), "./data/blobs");
  ASSERT_TRUE(setting("store").set(cfg, "postgres://mc:s3cret@db.example:5432/msgcenter"));
  ASSERT_TRUE(setting("blobs").set(cfg, "/mnt/blobs"));
  EXPECT_TRUE(is_postgres_url(cfg.store));
  EXPECT_EQ(blobs_dir(cfg), "/mnt/blobs");
  std::string shown = describe(cfg);
  EXPECT_EQ(shown.find("s3cret"), std::string::npos) << shown;
  EXPECT_NE(shown.find("store=postgres://mc:***@db.example:5432/msgcenter"), std::string::npos) << shown;
  auto bad = setting("store").set(cfg, "mysql://x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "bad_config");
}

}  // namespace
}  // namespace mc::server
