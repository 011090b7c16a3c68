#include "server/accounts/authenticator.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/may_block.hpp"
#include "core/random.hpp"
#include "server/accounts/tokens.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace mc::accounts {

namespace fs = std::filesystem;

// Against the real store: the cache must agree with what is stored.
class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir_ = fs::temp_directory_path() / ("auth-" + to_hex(random_bytes(6)));
    fs::create_directories(dir_);
    auto s = store::sqlite::SqliteBackend::open((dir_ / "db.sqlite").string());
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    auto u = store_->accounts().create_user("alice", "hash", Role::kUser);
    ASSERT_TRUE(u);
    token_ = new_token();
    ASSERT_TRUE(store_->accounts().create_session(token_hash(token_), u->id, "d_1", 1'000'000));
    Authenticator::Options opts;
    opts.cache_ms = 5000;
    opts.clock = [this] { return clock_; };
    auth_ = std::make_unique<Authenticator>(store_->accounts(), opts);
    req_.headers["authorization"] = "Bearer " + token_;
  }
  void TearDown() override {
    auth_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<store::sqlite::SqliteBackend> store_;
  std::unique_ptr<Authenticator> auth_;
  std::string token_;
  std::int64_t clock_ = 1000;
  net::HttpRequest req_;
};

TEST_F(AuthenticatorTest, LoggingOutRefusesTheTokenAtOnceThoughItWasCached) {
  ASSERT_TRUE(auth_->authenticate(req_));  // now cached
  ASSERT_TRUE(auth_->log_out(req_));
  auto again = auth_->authenticate(req_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "invalid_token");
}

// A session removed behind the server's back (another node, an operator)
// is honoured for at most cache_ms more.
TEST_F(AuthenticatorTest, ASessionRemovedElsewhereIsRefusedOnceTheCacheAges) {
  ASSERT_TRUE(auth_->authenticate(req_));
  ASSERT_TRUE(store_->accounts().delete_session(token_hash(token_)));
  clock_ += 5000;
  auto later = auth_->authenticate(req_);
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code, "invalid_token");
}

TEST_F(AuthenticatorTest, ACachedSessionStillExpiresOnTime) {
  ASSERT_TRUE(auth_->authenticate(req_));
  clock_ = 1'000'000;  // the session's expires_at, inside the cache's lifetime
  auto expired = auth_->authenticate(req_);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, "token_expired");
}

TEST_F(AuthenticatorTest, AnUnknownTokenIsRefusedAndNotRemembered) {
  net::HttpRequest other;
  other.headers["authorization"] = "Bearer " + new_token();
  auto r = auth_->authenticate(other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_token");
  auto caller = auth_->authenticate(req_);
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->network_id, "alice");
  EXPECT_EQ(caller->device_id, "d_1");
}

TEST_F(AuthenticatorTest, ACachedSessionAnswersWhereBlockingIsRefused) {
  ASSERT_TRUE(auth_->authenticate(req_));
  NoBlockingScope no_blocking;
  auto caller = auth_->authenticate(req_);
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->network_id, "alice");
  net::HttpRequest other;
  other.headers["authorization"] = "Bearer " + new_token();
  EXPECT_THROW((void)auth_->authenticate(other), WouldBlock) << "an unknown token needs the store";
}

}  // namespace mc::accounts
