#include "server/catalog/blob_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/random.hpp"

namespace mc::catalog {

namespace fs = std::filesystem;

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    root_ = fs::temp_directory_path() / ("blobs-" + to_hex(random_bytes(6)));
    auto s = BlobStore::open(root_.string());
    ASSERT_TRUE(s);
    store_ = std::move(*s);
  }
  void TearDown() override { fs::remove_all(root_); }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::size_t temporaries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(root_ / "tmp"), fs::directory_iterator()));
  }
  fs::path root_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, StoresBytesUnderTheirSha256) {
  auto b = store_->put("hello blob");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->sha256, sha256_hex("hello blob"));
  EXPECT_EQ(b->size, 10u);
  EXPECT_EQ(read(store_->path_for(b->sha256)), "hello blob");
  EXPECT_EQ(temporaries(), 0u);
}

TEST_F(BlobStoreTest, IdenticalUploadsAreStoredOnce) {
  auto a = store_->put("same bytes");
  auto b = store_->put("same bytes");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->sha256, b->sha256);
  EXPECT_EQ(temporaries(), 0u);
}

TEST_F(BlobStoreTest, StreamedWriteMatchesDeclaredDigest) {
  auto w = store_->begin(1 << 20);
  ASSERT_TRUE(w);
  ASSERT_TRUE((*w)->write("part one, ", 10));
  ASSERT_TRUE((*w)->write("part two", 8));
  auto b = (*w)->commit(sha256_hex("part one, part two"));
  ASSERT_TRUE(b);
  EXPECT_EQ(read(store_->path_for(b->sha256)), "part one, part two");
}

TEST_F(BlobStoreTest, WrongDeclaredDigestStoresNothing) {
  auto w = store_->begin(1 << 20);
  ASSERT_TRUE(w);
  ASSERT_TRUE((*w)->write("tampered", 8));
  auto b = (*w)->commit(sha256_hex("original"));
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, "digest_mismatch");
  w->reset();
  EXPECT_FALSE(fs::exists(store_->path_for(sha256_hex("tampered"))));
  EXPECT_EQ(temporaries(), 0u);
}

TEST_F(BlobStoreTest, OversizedUploadIsRefusedAndAbandonedWriteLeavesNoFile) {
  auto w = store_->begin(4);
  ASSERT_TRUE(w);
  auto st = (*w)->write("12345", 5);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "body_too_large");
  w->reset();  // a client that vanished mid-upload
  EXPECT_EQ(temporaries(), 0u);
}

TEST_F(BlobStoreTest, OpenRemovesTemporariesLeftByACrash) {
  std::ofstream(root_ / "tmp" / "leftover") << "half a blob";
  auto again = BlobStore::open(root_.string());
  ASSERT_TRUE(again);
  EXPECT_EQ(temporaries(), 0u);
}

}  // namespace mc::catalog
