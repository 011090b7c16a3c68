#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/conformance/store_conformance.hpp"

namespace mc::store::conformance {

namespace fs = std::filesystem;

void StoreConformance::SetUp() {
  init_crypto();
  dir_ = fs::temp_directory_path() / ("store-" + GetParam().name + "-" + to_hex(random_bytes(6)));
  fs::create_directories(dir_);
  reopen();
}

void StoreConformance::TearDown() {
  backend_.reset();
  fs::remove_all(dir_);
}

void StoreConformance::reopen() {
  backend_.reset();
  auto b = GetParam().open(dir_.string());
  ASSERT_TRUE(b) << b.error().message;
  backend_ = std::move(*b);
}

User StoreConformance::user(const std::string& name, Role role) {
  auto u = accounts().create_user(name, "hash", role);
  EXPECT_TRUE(u);
  return *u;
}

Resource StoreConformance::resource(const User& publisher, const std::string& type, const std::string& title) {
  std::string sha = to_hex(random_bytes(32));
  EXPECT_TRUE(catalog().put_blob(sha, 42));
  Resource r;
  r.id = new_id("r_");
  r.type = type;
  r.title = title;
  r.tags = {"a", "b"};
  r.sha256 = sha;
  r.mime = "text/plain";
  r.filename = "f.txt";
  r.created_at = now_ms();
  auto created = catalog().create_resource(r, publisher.id);
  EXPECT_TRUE(created);
  return *created;
}

NewShare StoreConformance::make_share(std::string id, std::int64_t sender, const std::string& resource,
                                      std::string note, std::vector<std::int64_t> to) {
  NewShare s;
  s.id = std::move(id);
  s.sender_id = sender;
  s.resource_id = resource;
  s.note = std::move(note);
  s.recipient_ids = std::move(to);
  s.created_at = now_ms();
  return s;
}

}  // namespace mc::store::conformance
