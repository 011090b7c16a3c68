#include "server/delivery/nats_bus.hpp"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "server/metrics.hpp"

namespace mc::delivery {

namespace {

constexpr const char* kInboxSubjects = "msgcenter.inbox.*";
constexpr std::string_view kInboxPrefix = "msgcenter.inbox.";
constexpr const char* kInvalidationSubjects = "msgcenter.invalidate.*";
// One share's items: "NODE SENT_MS\nLEN\n<shared part>" then "USER SEQ ITEM_ID\n" per recipient.
constexpr const char* kItemsSubject = "msgcenter.items";
constexpr std::size_t kItemsPerMessage = 2000;  // about 90 KB, well under NATS's 1 MB
constexpr std::string_view kInvalidationPrefix = "msgcenter.invalidate.";

Error nats_error(const std::string& what, natsStatus s) {
  return Error::unavailable("nats_unavailable", what + ": " + natsStatus_GetText(s));
}

}  // namespace

Result<std::unique_ptr<NatsBus>> NatsBus::connect(const std::string& url) {
  std::unique_ptr<NatsBus> bus(new NatsBus());
  bus->node_id_ = new_id("n_");
  natsOptions* opts = nullptr;
  if (auto s = natsOptions_Create(&opts); s != NATS_OK) return nats_error("NATS options", s);
  struct OptionsGuard {
    natsOptions* o;
    ~OptionsGuard() { natsOptions_Destroy(o); }
  } guard{opts};
  natsStatus s = natsOptions_SetURL(opts, url.c_str());
  // Reconnect forever, quickly: while NATS is away, streams catch up from
  // the store on their timer; once it is back, every stream is woken.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 250);
  if (s == NATS_OK) {
    s = natsOptions_SetReconnectedCB(
        opts, [](natsConnection*, void* self) { static_cast<NatsBus*>(self)->on_reconnected(); }, bus.get());
  }
  // A node may start before NATS: it connects in the background.
  if (s == NATS_OK) s = natsOptions_SetRetryOnFailedConnect(opts, true, nullptr, nullptr);
  if (s == NATS_OK) {
    s = natsOptions_SetClosedCB(
        opts,
        [](natsConnection*, void* self) {
          auto* b = static_cast<NatsBus*>(self);
          std::lock_guard lk(b->done_mu_);
          b->closed_ = true;
          b->done_cv_.notify_all();
        },
        bus.get());
  }
  if (s != NATS_OK) return nats_error("NATS options", s);
  s = natsConnection_Connect(&bus->conn_, opts);
  if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) return nats_error("cannot connect to NATS at " + url, s);
  s = natsConnection_Subscribe(
      &bus->sub_, bus->conn_, kInboxSubjects,
      [](natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
        std::string subject = natsMsg_GetSubject(msg);
        std::string data(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        natsMsg_Destroy(msg);
        static_cast<NatsBus*>(self)->on_message(subject, data);
      },
      bus.get());
  if (s != NATS_OK) return nats_error("cannot subscribe on NATS", s);
  bus->subscribed(bus->sub_);
  s = natsConnection_Subscribe(
      &bus->invalidations_sub_, bus->conn_, kInvalidationSubjects,
      [](natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
        auto* b = static_cast<NatsBus*>(self);
        std::string subject = natsMsg_GetSubject(msg);
        std::string data(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        natsMsg_Destroy(msg);
        // "NODE KEY": our own come back to us too.
        auto space = data.find(' ');
        if (space == std::string::npos || data.compare(0, space, b->node_id_) == 0) return;
        std::lock_guard lk(b->invalidation_mu_);
        if (b->invalidation_) b->invalidation_(subject.substr(kInvalidationPrefix.size()), data.substr(space + 1));
      },
      bus.get());
  if (s != NATS_OK) return nats_error("cannot subscribe on NATS", s);
  bus->subscribed(bus->invalidations_sub_);
  s = natsConnection_Subscribe(
      &bus->items_sub_, bus->conn_, kItemsSubject,
      [](natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
        std::string data(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        natsMsg_Destroy(msg);
        static_cast<NatsBus*>(self)->on_items(data);
      },
      bus.get());
  if (s != NATS_OK) return nats_error("cannot subscribe on NATS", s);
  bus->subscribed(bus->items_sub_);
  spdlog::info("event=nats_bus url={} node={}", url, bus->node_id_);
  return bus;
}

void NatsBus::subscribed(natsSubscription* sub) {
  auto done = [](void* self) {
    auto* b = static_cast<NatsBus*>(self);
    std::lock_guard lk(b->done_mu_);
    ++b->subscriptions_done_;
    b->done_cv_.notify_all();
  };
  if (natsSubscription_SetOnCompleteCB(sub, done, this) == NATS_OK) ++subscriptions_;
}

NatsBus::~NatsBus() {
  for (auto* sub : {sub_, invalidations_sub_, items_sub_}) {
    if (sub) natsSubscription_Unsubscribe(sub);
  }
  std::unique_lock lk(done_mu_);
  // Bounded: a library that never reports must not hang the shutdown.
  done_cv_.wait_for(lk, std::chrono::seconds(5), [&] { return subscriptions_done_ >= subscriptions_; });
  lk.unlock();
  for (auto* sub : {sub_, invalidations_sub_, items_sub_}) {
    if (sub) natsSubscription_Destroy(sub);
  }
  if (conn_) {
    natsConnection_Close(conn_);
    lk.lock();
    done_cv_.wait_for(lk, std::chrono::seconds(5), [&] { return closed_; });
    lk.unlock();
    natsConnection_Destroy(conn_);
  }
}

std::unique_ptr<Subscription> NatsBus::subscribe(std::int64_t user_id, Notify notify) {
  return local_.subscribe(user_id, std::move(notify));
}

void NatsBus::publish(std::int64_t user_id, const ItemHint* hint) {
  local_.publish(user_id, hint);
  std::string subject = std::string(kInboxPrefix) + std::to_string(user_id);
  // Buffered while disconnected; dropped only if the buffer overflows, which
  // the streams' catch-up reads cover.
  std::string data = node_id_ + " " + std::to_string(now_ms());  // when: for the lag metric
  natsStatus s = natsConnection_Publish(conn_, subject.c_str(), data.data(), static_cast<int>(data.size()));
  if (s != NATS_OK) spdlog::debug("event=nats_publish_failed error=\"{}\"", natsStatus_GetText(s));
}

void NatsBus::on_message(const std::string& subject, const std::string& data) {
  // "NODE SENT_MS"; ours come back too: local streams were woken when it was sent.
  auto space = data.find(' ');
  if (space == std::string::npos || data.compare(0, space, node_id_) == 0) return;
  std::int64_t sent = 0;
  std::from_chars(data.data() + space + 1, data.data() + data.size(), sent);
  static auto& lag = server::metrics().histogram("msgcenter_nats_signal_lag_seconds");
  if (sent > 0) lag.observe(static_cast<double>(std::max<std::int64_t>(0, now_ms() - sent)) / 1000.0);
  std::string_view id(subject);
  if (id.substr(0, kInboxPrefix.size()) != kInboxPrefix) return;
  id.remove_prefix(kInboxPrefix.size());
  std::int64_t user_id = 0;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), user_id);
  if (ec != std::errc() || p != id.data() + id.size()) return;
  ++received_;
  local_.publish(user_id, nullptr);  // no hint: the stream reads the store
}

void NatsBus::on_reconnected() {
  spdlog::info("event=nats_reconnected node={}", node_id_);
  // Signals may have been lost while away: every stream reads the store.
  local_.publish_all();
}

void NatsBus::publish_invalidation(const std::string& topic, const std::string& key) {
  std::string subject = std::string(kInvalidationPrefix) + topic;
  std::string data = node_id_ + " " + key;
  natsStatus s = natsConnection_Publish(conn_, subject.c_str(), data.data(), static_cast<int>(data.size()));
  if (s != NATS_OK) spdlog::warn("event=nats_publish_failed topic={} error=\"{}\"", topic, natsStatus_GetText(s));
}

void NatsBus::on_invalidation(Invalidation fn) {
  std::lock_guard lk(invalidation_mu_);
  invalidation_ = std::move(fn);
}

void NatsBus::publish_items(const std::vector<store::Delivery>& items, std::shared_ptr<const std::string> shared_part) {
  for (const auto& d : items) {
    ItemHint h{d.seq, d.item_id, shared_part};
    local_.publish(d.user_id, &h);
  }
  std::string head =
      node_id_ + " " + std::to_string(now_ms()) + "\n" + std::to_string(shared_part->size()) + "\n" + *shared_part;
  for (std::size_t i = 0; i < items.size(); i += kItemsPerMessage) {
    std::string data = head;
    for (std::size_t k = i; k < std::min(items.size(), i + kItemsPerMessage); ++k) {
      data += std::to_string(items[k].user_id) + " " + std::to_string(items[k].seq) + " " + items[k].item_id + "\n";
    }
    natsStatus s = natsConnection_Publish(conn_, kItemsSubject, data.data(), static_cast<int>(data.size()));
    if (s != NATS_OK) spdlog::debug("event=nats_publish_failed error=\"{}\"", natsStatus_GetText(s));
  }
}

void NatsBus::on_items(const std::string& data) {
  // "NODE SENT_MS\n": ours come back too, and our streams have them.
  auto nl = data.find('\n');
  auto space = data.find(' ');
  if (nl == std::string::npos || space == std::string::npos || space > nl) return;
  if (data.compare(0, space, node_id_) == 0) return;
  std::int64_t sent = 0;
  std::from_chars(data.data() + space + 1, data.data() + nl, sent);
  auto nl2 = data.find('\n', nl + 1);
  if (nl2 == std::string::npos) return;
  std::size_t len = 0;
  auto [p, ec] = std::from_chars(data.data() + nl + 1, data.data() + nl2, len);
  if (ec != std::errc() || len > data.size() - nl2 - 1) return;
  auto shared_part = std::make_shared<const std::string>(data.substr(nl2 + 1, len));
  static auto& lag = server::metrics().histogram("msgcenter_nats_signal_lag_seconds");
  if (sent > 0) lag.observe(static_cast<double>(std::max<std::int64_t>(0, now_ms() - sent)) / 1000.0);
  // Each line "USER SEQ ITEM_ID"; the local bus drops users with no stream here.
  std::size_t pos = nl2 + 1 + len;
  while (pos < data.size()) {
    auto end = data.find('\n', pos);
    if (end == std::string::npos) break;
    std::string_view line(data.data() + pos, end - pos);
    pos = end + 1;
    auto s1 = line.find(' '), s2 = line.rfind(' ');
    if (s1 == std::string_view::npos || s2 == s1) continue;
    std::int64_t user = 0, seq = 0;
    auto u = std::from_chars(line.data(), line.data() + s1, user);
    auto q = std::from_chars(line.data() + s1 + 1, line.data() + s2, seq);
    if (u.ec != std::errc() || u.ptr != line.data() + s1 || q.ec != std::errc() || q.ptr != line.data() + s2) continue;
    ++received_;
    ItemHint h{seq, std::string(line.substr(s2 + 1)), shared_part};
    local_.publish(user, &h);
  }
}

}  // namespace mc::delivery
