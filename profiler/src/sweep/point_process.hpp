// One sweep point as a separate process: `mcuprof run` (this executable) into the point's
// own database, its output in a log file; then its outcome — a stored run or a failure
// with its one-line reason — merged or recorded into the sweep's database (or a task's
// shard) with the run's provenance.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "mcuprof/traces/records.hpp"
#include "sweep/sweep_points.hpp"

namespace mcuprof::traces {
class TraceStore;
}

namespace mcuprof::profiler::sweep {

struct PointProcess {
  pid_t pid = -1;
  Point point;
  std::filesystem::path db, summary, log;
};

// Starts the point. The child dies with this process (PR_SET_PDEATHSIG).
PointProcess start_point(const Point& point, const RunOptions& options,
                         const std::filesystem::path& scratch_dir);

struct PointResult {
  enum class Kind { Stored, Failed, Interrupted } kind = Kind::Failed;
  int status = 0;      // the child's exit status (128 + N for a signal)
  std::string reason;  // empty for a run that ended well
  int64_t run_id = 0;  // in the point's database (Stored)
  std::string schedule;
  double latency_ms = 0;
};

// What the child's exit (waitpid status) and its summary say.
PointResult point_result(const PointProcess& process, int wait_status);

// Merges the stored run into `out` with its provenance (input hash from the point, job,
// task and host from `base`), or records the failure; then removes the point's files.
void absorb(const PointProcess& process, const PointResult& result, traces::TraceStore& out,
            const traces::Provenance& base);

// Starts the point, waits for it and absorbs it.
PointResult run_point(const Point& point, const RunOptions& options,
                      const std::filesystem::path& scratch_dir, traces::TraceStore& out,
                      const traces::Provenance& base);

std::string host_name();
std::string utc_now();  // ISO 8601

}  // namespace mcuprof::profiler::sweep
