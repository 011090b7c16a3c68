#include "store/sqlite/engine.hpp"

#include "core/may_block.hpp"

namespace mc::store::sqlite {

Engine::ReaderLease::~ReaderLease() {
  std::lock_guard lk(e_.readers_mu_);
  e_.idle_readers_.push_back(std::move(db_));
  e_.readers_cv_.notify_one();
}

Result<std::unique_ptr<Engine>> Engine::open(const std::string& path, const std::vector<const AreaSchema*>& schemas,
                                             int readers) {
  std::unique_ptr<Engine> e(new Engine());
  MC_TRY(auto w, Database::open(path));
  MC_TRY_STATUS(migrate(*w, schemas));
  MC_TRY_STATUS(w->exec("PRAGMA wal_autocheckpoint=0"));
  e->writer_ = std::make_unique<WriteQueue>(std::move(w));
  MC_TRY(e->checkpointer_db_, Database::open(path));
  e->checkpointer_ = std::thread([p = e.get()] { p->checkpoint_loop(); });
  for (int i = 0; i < readers; ++i) {
    MC_TRY(auto r, Database::open(path));
    e->idle_readers_.push_back(std::move(r));
  }
  return e;
}

Engine::~Engine() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lk(checkpoint_mu_);
      stopping_ = true;
    }
    checkpoint_cv_.notify_all();
    checkpointer_.join();
  }
}

void Engine::checkpoint_loop() {
  std::unique_lock lk(checkpoint_mu_);
  while (!stopping_) {
    checkpoint_cv_.wait_for(lk, std::chrono::milliseconds(500), [&] { return stopping_; });
    if (stopping_) break;
    lk.unlock();
    // PASSIVE never blocks the writer or readers; it copies what it can.
    (void)checkpointer_db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    lk.lock();
  }
}

Engine::ReaderLease Engine::reader() {
  may_block();
  std::unique_lock lk(readers_mu_);
  readers_cv_.wait(lk, [&] { return !idle_readers_.empty(); });
  auto db = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return ReaderLease(*this, std::move(db));
}

void Engine::flush_writes() {
  // The queue is FIFO and a group's completions run before the next group
  // starts: once this empty job is answered, all before it were too.
  (void)writer_->run([](Database&) { return Status{}; });
}

}  // namespace mc::store::sqlite
