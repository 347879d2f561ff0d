// The array-task side of a sweep: `mcuprof sweep task WORK --task K` runs its shard of the
// points file (every point whose position modulo the task count is K) into its own shard
// database, resumably, and marks itself done; `mcuprof sweep merge` merges the shards into
// the sweep's database and names the tasks that are missing or unfinished.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sweep/slurm.hpp"

namespace mcuprof::traces {
class TraceStore;
}

namespace mcuprof::profiler::sweep {

struct TaskReport {
  size_t points = 0, already = 0, done = 0, failed = 0;
};

// Runs task `task` (job and task ids of the provenance from Slurm's environment when set).
TaskReport run_task(const WorkFiles& work, size_t task);

struct ShardMerge {
  size_t tasks = 0;
  size_t runs_added = 0, runs_already_present = 0, failures_added = 0;
  std::vector<size_t> missing;  // tasks without a finished shard
};

// Merges every shard present (each in one transaction) into `out`.
ShardMerge merge_shards(const WorkFiles& work, traces::TraceStore& out);

}  // namespace mcuprof::profiler::sweep
