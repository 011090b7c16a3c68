// The PostgreSQL reference: a throwaway cluster on a loopback port, and
// pgbench running a one-row INSERT per transaction with fsync on.
#pragma once

#include <optional>
#include <string>

namespace mc::bench {

// Transactions per second, or nullopt (with a reason on stderr) when
// PostgreSQL 15 is not installed or will not start.
std::optional<double> pgbench_insert_tps(const std::string& work_dir, int clients, int seconds);

}  // namespace mc::bench
