#include "client/api/message_center.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "client/api/operations.hpp"
#include "core/random.hpp"

namespace mc::client {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

class MessageCenterTest : public ::testing::Test {
 protected:
  void SetUp() override { home_ = (fs::temp_directory_path() / ("mc-center-" + to_hex(random_bytes(6)))).string(); }
  void TearDown() override { fs::remove_all(home_); }
  std::unique_ptr<MessageCenter> open(std::string server = "http://127.0.0.1:9") {
    auto c = MessageCenter::open({home_, server, "test device"});
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return c ? std::move(*c) : nullptr;
  }
  std::string home_;
};

TEST_F(MessageCenterTest, ConfigNeedsAHomeAndAnHttpServer) {
  EXPECT_EQ(MessageCenter::open({"", "", ""}).error().code, "invalid_config");
  EXPECT_EQ(MessageCenter::open({home_, "ftp://example.com", ""}).error().code, "invalid_config");
  EXPECT_TRUE(MessageCenter::open({home_, "", ""}));
  EXPECT_TRUE(fs::is_directory(home_));
}

TEST_F(MessageCenterTest, EveryOperationIsListedAndLocalOnesNeedNoServer) {
  auto c = open();
  auto list = c->call("operations", {});
  ASSERT_TRUE(list);
  std::vector<std::string> names;
  for (const auto& op : list->at("operations").as_array()) names.emplace_back(op.at("name").as_string());
  for (const char* want : {"register", "login", "logout", "whoami", "catalog", "get", "open", "share", "forward",
                           "receipts", "inbox", "group", "settings", "follow", "unfollow", "status", "publish"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  EXPECT_EQ(names.size(), operations().size());
  auto status = c->call("status", {});
  ASSERT_TRUE(status);
  EXPECT_EQ(status->at("logged_in"), false);
  EXPECT_EQ(status->at("device_name"), "test device");
  EXPECT_EQ(status->at("server"), "http://127.0.0.1:9");
}

TEST_F(MessageCenterTest, UnknownOperationsAndMissingLoginsAreErrors) {
  auto c = open();
  EXPECT_EQ(c->call("teleport", {}).error().code, "unknown_operation");
  EXPECT_EQ(c->call("whoami", {}).error().code, "not_logged_in");
  EXPECT_EQ(c->call("follow", {}).error().code, "not_logged_in");
  // The request is checked before the login: the caller learns of its typo first.
  EXPECT_EQ(c->call("catalog", {{"limit", "x"}}).error().code, "invalid_field");
  EXPECT_EQ(c->call("unfollow", {}).value().at("was_following"), false);
}

TEST_F(MessageCenterTest, ANetworkFailureIsAnErrorValue) {
  auto c = open("http://127.0.0.1:1");
  auto r = c->call("login", {{"network_id", "alice"}, {"password", "pw"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "network");
  EXPECT_TRUE(r.error().is(ErrorKind::kUnavailable));
}

TEST_F(MessageCenterTest, EventsQueueInOrderAndTimeOut) {
  auto c = open();
  auto none = c->next_event(std::chrono::milliseconds(5));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  for (int i = 0; i < 3; ++i) c->emit({{"type", "progress"}, {"n", i}});
  for (int i = 0; i < 3; ++i) {
    auto e = c->next_event(std::chrono::milliseconds(100));
    ASSERT_TRUE(e && e->has_value());
    EXPECT_EQ((**e).at("n"), i);
  }
}

TEST_F(MessageCenterTest, ProgressIsDroppedWhenTheQueueIsFullItemsAreNot) {
  auto c = open();
  for (int i = 0; i < 1024; ++i) c->emit({{"type", "progress"}, {"n", i}});
  c->emit({{"type", "progress"}, {"n", 9999}});  // full: dropped
  std::atomic<bool> item_queued{false};
  std::thread t([&] {
    c->emit({{"type", "item"}, {"n", -1}});  // waits for room
    item_queued = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(item_queued);
  auto first = c->next_event(std::chrono::milliseconds(100));
  ASSERT_TRUE(first && first->has_value());
  t.join();
  EXPECT_TRUE(item_queued);
  int progress = 0;
  bool item = false;
  for (;;) {
    auto e = c->next_event(std::chrono::milliseconds(0));
    if (!e || !e->has_value()) break;
    if ((**e).at("type") == "item") {
      item = true;
    } else {
      ++progress;
      EXPECT_NE((**e).at("n"), 9999);
    }
  }
  EXPECT_TRUE(item);
  EXPECT_EQ(progress, 1023);
}

TEST_F(MessageCenterTest, AHandlerGetsEveryEventInOrderOnOneThread) {
  auto c = open();
  c->emit({{"type", "progress"}, {"n", 0}});  // queued before the handler: handed over too
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::int64_t> seen;
  std::vector<std::thread::id> threads;
  c->set_event_handler([&](const json::object& e) {
    std::lock_guard lk(mu);
    seen.push_back(e.at("n").as_int64());
    threads.push_back(std::this_thread::get_id());
    cv.notify_all();
  });
  EXPECT_EQ(c->next_event(std::chrono::milliseconds(0)).error().code, "event_handler_set");
  for (int i = 1; i < 100; ++i) c->emit({{"type", "progress"}, {"n", i}});
  std::unique_lock lk(mu);
  ASSERT_TRUE(cv.wait_for(lk, std::chrono::seconds(5), [&] { return seen.size() == 100; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
  for (auto id : threads) EXPECT_EQ(id, threads[0]);
  EXPECT_NE(threads[0], std::this_thread::get_id());
  lk.unlock();
  c->set_event_handler(nullptr);
  c->emit({{"type", "progress"}, {"n", 100}});
  auto e = c->next_event(std::chrono::milliseconds(100));
  ASSERT_TRUE(e && e->has_value());
  EXPECT_EQ((**e).at("n"), 100);
}

TEST_F(MessageCenterTest, TheFollowsStoppedEventIsNeverDropped) {
  auto c = open();
  for (int i = 0; i < 1024; ++i) c->emit({{"type", "progress"}, {"n", i}});
  c->emit({{"type", "connection"}, {"state", "connecting"}});  // dropped: the next one says it again
  std::thread t([&] { c->emit({{"type", "connection"}, {"state", "stopped"}}); });  // waits for room
  (void)c->next_event(std::chrono::milliseconds(100));
  t.join();
  std::vector<std::string> states;
  for (;;) {
    auto e = c->next_event(std::chrono::milliseconds(0));
    if (!e || !e->has_value()) break;
    if ((**e).at("type") == "connection") states.emplace_back((**e).at("state").as_string());
  }
  EXPECT_EQ(states, std::vector<std::string>{"stopped"});
}

TEST_F(MessageCenterTest, AHandlerMayFreeItsOwnMessageCenter) {
  auto c = open();
  std::atomic<bool> freed{false};
  MessageCenter* raw = c.release();
  raw->set_event_handler([&](const json::object&) {
    if (!freed.exchange(true)) delete raw;  // on the event thread
  });
  raw->emit({{"type", "progress"}, {"n", 1}});
  for (int i = 0; i < 200 && !freed; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(freed);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the thread ends after the handler (ASan checks)
}

TEST_F(MessageCenterTest, ReplacingTheHandlerWaitsForTheOldOneToReturn) {
  auto c = open();
  std::atomic<bool> inside{false}, done{false};
  c->set_event_handler([&](const json::object&) {
    inside = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    done = true;
  });
  c->emit({{"type", "progress"}, {"n", 1}});
  while (!inside) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  c->set_event_handler(nullptr);
  EXPECT_TRUE(done);  // the old handler finished before set_event_handler returned
}

TEST_F(MessageCenterTest, CallsFromAHandlerWhileItIsFreedGetAnswersOrCancelled) {
  // The destructor refuses new calls first, then stops the event thread;
  // a handler still running calls into a message center that is closing.
  MessageCenter* raw = open().release();
  std::atomic<int> ok{0}, cancelled{0}, other{0};
  raw->set_event_handler([&](const json::object&) {
    auto r = raw->call("status", {});
    if (r) ++ok;
    else if (r.error().is(ErrorKind::kCancelled)) ++cancelled;
    else ++other;
  });
  for (int i = 0; i < 200; ++i) raw->emit({{"type", "progress"}, {"n", i}});
  delete raw;
  EXPECT_EQ(other.load(), 0);
  EXPECT_LE(ok.load() + cancelled.load(), 200);
}

}  // namespace
}  // namespace mc::client
