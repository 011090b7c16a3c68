#include "core/may_block.hpp"

namespace mc {

namespace {
thread_local bool g_no_blocking = false;
}

NoBlockingScope::NoBlockingScope() : outer_(g_no_blocking) { g_no_blocking = true; }

NoBlockingScope::~NoBlockingScope() { g_no_blocking = outer_; }

void may_block() {
  if (g_no_blocking) throw WouldBlock();
}

}  // namespace mc
