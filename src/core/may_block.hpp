// Threads that must never wait for the disk (the server's I/O threads) can
// still try work that usually needs none, and hand it to a thread that may
// block only when it turns out to need the disk: io_uring does the same with
// its inline attempt and its worker punt. Inside a NoBlockingScope, code
// about to block calls may_block() first and gets WouldBlock instead.
#pragma once

#include <exception>

namespace mc {

struct WouldBlock final : std::exception {
  const char* what() const noexcept override { return "this would block"; }
};

// While one lives on this thread, may_block() throws WouldBlock. Nests.
class NoBlockingScope {
 public:
  NoBlockingScope();
  ~NoBlockingScope();
  NoBlockingScope(const NoBlockingScope&) = delete;
  NoBlockingScope& operator=(const NoBlockingScope&) = delete;

 private:
  bool outer_;
};

// Call before waiting for the disk or for another thread's disk work.
// Throws WouldBlock inside a NoBlockingScope; otherwise does nothing.
void may_block();

}  // namespace mc
