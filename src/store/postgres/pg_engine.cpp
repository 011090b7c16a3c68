#include "store/postgres/pg_engine.hpp"

#include <map>

#include "core/may_block.hpp"

namespace mc::store::postgres {

namespace {

// Any 64-bit number of our own: the lock nodes take to migrate one at a time.
constexpr const char* kMigrationLock = "SELECT pg_advisory_lock(7305510944000001)";
constexpr const char* kMigrationUnlock = "SELECT pg_advisory_unlock(7305510944000001)";

Status migrate(pg::Connection& c, const std::vector<const PgSchema*>& schemas) {
  MC_TRY_STATUS(c.exec(kMigrationLock));
  auto run = [&]() -> Status {
    MC_TRY_STATUS(
        c.exec("CREATE TABLE IF NOT EXISTS schema_versions (area TEXT PRIMARY KEY, version INTEGER NOT NULL)"));
    MC_TRY(auto rows, c.query("SELECT area, version FROM schema_versions"));
    std::map<std::string, int, std::less<>> have;
    for (int i = 0; i < rows.size(); ++i) have[rows.text(i, 0)] = static_cast<int>(rows.int64(i, 1));
    for (const auto& [area, v] : have) {
      bool known = false;
      for (const auto* s : schemas) known = known || s->area == area;
      if (!known) return Error::internal("the database has tables of area '" + area + "', unknown to this msgcenterd");
    }
    for (const auto* s : schemas) {
      auto it = have.find(s->area);
      int from = it == have.end() ? 0 : it->second;
      int want = static_cast<int>(s->migrations.size());
      if (from > want) {
        return Error::internal("the database has " + std::string(s->area) + " schema version " + std::to_string(from) +
                               ", newer than this msgcenterd knows (" + std::to_string(want) + ")");
      }
      for (int v = from; v < want; ++v) {
        MC_TRY_STATUS(c.exec("BEGIN"));
        auto step = [&]() -> Status {
          MC_TRY_STATUS(c.exec(s->migrations[static_cast<std::size_t>(v)]));
          MC_TRY_STATUS(
              c.query("INSERT INTO schema_versions (area, version) VALUES ($1, $2) "
                      "ON CONFLICT (area) DO UPDATE SET version = excluded.version",
                      {std::string(s->area), std::to_string(v + 1)}));
          return c.exec("COMMIT");
        }();
        if (!step) {
          (void)c.exec("ROLLBACK");
          return step;
        }
      }
    }
    return {};
  }();
  (void)c.exec(kMigrationUnlock);
  return run;
}

}  // namespace

PgLease::~PgLease() {
  if (!c_) return;
  // A connection left inside a transaction (an exception unwound past the
  // ROLLBACK) must not carry its work or its locks into the next user's.
  if (c_->healthy() && !c_->idle()) (void)c_->exec("ROLLBACK");
  std::lock_guard lk(e_->pool_mu_);
  if (c_->healthy() && c_->idle()) {
    e_->idle_.push_back(std::move(c_));
  } else {
    --e_->open_;  // dropped: acquire() may open a new one
  }
  e_->pool_cv_.notify_one();
}

Result<std::unique_ptr<PgEngine>> PgEngine::open(const std::string& url, const std::vector<const PgSchema*>& schemas,
                                                 int connections, int writers) {
  std::unique_ptr<PgEngine> e(new PgEngine());
  e->url_ = url;
  e->max_ = static_cast<std::size_t>(connections);
  e->open_ = static_cast<std::size_t>(connections);
  for (int i = 0; i < connections; ++i) {
    MC_TRY(auto c, pg::Connection::open(url));
    // A client's view of time and text must not depend on the server's
    // defaults; our timestamps are integers anyway.
    MC_TRY_STATUS(c->exec("SET synchronous_commit = on; SET client_encoding = 'UTF8'"));
    if (i == 0) MC_TRY_STATUS(migrate(*c, schemas));
    e->idle_.push_back(std::move(c));
  }
  for (int i = 0; i < writers; ++i) e->writers_.emplace_back([p = e.get()] { p->writer_loop(); });
  return e;
}

PgEngine::~PgEngine() {
  {
    std::lock_guard lk(jobs_mu_);
    stopping_ = true;
  }
  jobs_cv_.notify_all();
  for (auto& t : writers_) t.join();
}

Result<PgLease> PgEngine::acquire() {
  may_block();  // a query waits for the network and the server's disk
  std::unique_lock lk(pool_mu_);
  // At most max_ connections: wait for an idle one, or replace one that was
  // dropped (it broke, or PostgreSQL restarted).
  if (!pool_cv_.wait_for(lk, std::chrono::seconds(30), [&] { return !idle_.empty() || open_ < max_; })) {
    return Error::unavailable("store_busy", "no PostgreSQL connection came free in 30 s");
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return PgLease(*this, std::move(c));
  }
  ++open_;
  lk.unlock();
  auto c = pg::Connection::open(url_);
  if (c) {
    if (auto st = (*c)->exec("SET synchronous_commit = on; SET client_encoding = 'UTF8'"); st) {
      return PgLease(*this, std::move(*c));
    }
  }
  std::lock_guard relock(pool_mu_);
  --open_;
  pool_cv_.notify_one();
  return c ? Error::unavailable("store_unavailable", "cannot set up a PostgreSQL connection") : c.error();
}

Status PgEngine::transact_status(const std::function<Status(pg::Connection&)>& fn) {
  for (int attempt = 1;; ++attempt) {
    MC_TRY(auto lease, acquire());
    MC_TRY_STATUS(lease->exec("BEGIN"));
    auto st = fn(*lease);
    if (st) st = lease->exec("COMMIT");
    if (st) {
      commits_.fetch_add(1, std::memory_order_relaxed);
      return st;
    }
    (void)lease->exec("ROLLBACK");
    // Two nodes (or two threads) that lock rows in opposite orders, or a
    // serialization failure: nothing was committed, so try again.
    if (st.error().code != "retry" || attempt == 3) return st;
  }
}

void PgEngine::submit(std::function<void()> job) {
  {
    std::lock_guard lk(jobs_mu_);
    jobs_.push_back(std::move(job));
  }
  jobs_cv_.notify_one();
}

std::uint64_t PgEngine::queued() const {
  std::lock_guard lk(jobs_mu_);
  return jobs_.size();
}

void PgEngine::flush() {
  std::unique_lock lk(jobs_mu_);
  jobs_cv_.wait(lk, [&] { return jobs_.empty() && running_ == 0; });
}

void PgEngine::writer_loop() {
  std::unique_lock lk(jobs_mu_);
  for (;;) {
    jobs_cv_.wait(lk, [&] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and nothing left to do
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lk.unlock();
    job();
    lk.lock();
    --running_;
    jobs_cv_.notify_all();
  }
}

}  // namespace mc::store::postgres
