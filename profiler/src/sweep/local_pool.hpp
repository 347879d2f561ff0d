// Running a sweep's points on this machine: up to N `mcuprof run` processes at a time, each
// finished point merged into the sweep's database at once (one transaction each), a
// progress line (done, failed, running, ETA), and Ctrl-C/SIGTERM: no new points, the
// running ones stopped and left out, the database valid with what finished.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "sweep/sweep_points.hpp"

namespace mcuprof::traces {
class TraceStore;
}

namespace mcuprof::profiler::sweep {

struct Tally {
  size_t total = 0;
  size_t done = 0;     // stored runs that ended well
  size_t failed = 0;   // refused, failed, or stored with a fault/budget/gate
  size_t stopped = 0;  // interrupted, not stored
  int signal = 0;      // the signal that stopped the sweep, 0 if none
};

// Runs `points` with `workers` processes; their scratch files go to `scratch_dir`.
Tally run_locally(const std::vector<Point>& points, const RunOptions& options, size_t workers,
                  const std::filesystem::path& scratch_dir, traces::TraceStore& out);

}  // namespace mcuprof::profiler::sweep
