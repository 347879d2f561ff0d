// Array tasks and the merge of their shards (shards.hpp).
#include "sweep/shards.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <set>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/merge.hpp"
#include "mcuprof/traces/store.hpp"
#include "output_file.hpp"
#include "sweep/point_process.hpp"

namespace mcuprof::profiler::sweep {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::set<std::string> known_hashes(const traces::TraceStore& store) {
  std::set<std::string> hashes;
  for (const auto& r : store.runs())
    if (r.status == "complete") hashes.insert(r.provenance.input_hash);
  for (const auto& f : store.failures()) hashes.insert(f.provenance.input_hash);
  return hashes;
}

}  // namespace

TaskReport run_task(const WorkFiles& work, size_t task) {
  const PointsFile points = read_points_file(work.points());
  if (task >= points.tasks)
    throw CommandError(exit_code::kUsage,
                       fmt::format("sweep task: --task {} is not a task of {} (0..{})", task,
                                   work.points().string(), points.tasks - 1));
  std::error_code ec;
  fs::create_directories(work.shard(task).parent_path(), ec);
  fs::create_directories(work.scratch(), ec);
  fs::remove(work.done(task), ec);
  auto shard = traces::TraceStore::open(work.shard(task), traces::TraceStore::Mode::ReadWrite);
  const auto known = known_hashes(shard);
  std::string job = env("SLURM_ARRAY_JOB_ID");
  if (job.empty()) job = env("SLURM_JOB_ID");
  const std::string task_id =
      env("SLURM_ARRAY_TASK_ID").empty() ? std::to_string(task) : env("SLURM_ARRAY_TASK_ID");
  const traces::Provenance base{"", job, task_id, host_name()};
  TaskReport report;
  for (size_t i = task; i < points.points.size(); i += points.tasks) {
    const Point& p = points.points[i];
    ++report.points;
    if (known.contains(p.input_hash)) {
      ++report.already;
      continue;
    }
    const PointResult r = run_point(p, points.options, work.scratch(), shard, base);
    if (r.kind == PointResult::Kind::Interrupted)
      throw CommandError(exit_code::kInterrupted, fmt::format("sweep task {}: interrupted", task));
    (r.kind == PointResult::Kind::Failed || !r.reason.empty() ? report.failed : report.done) += 1;
    fmt::print(stderr, "sweep task {}: {} on {} ({}): {}\n", task, p.name, p.target, p.schedule,
               r.reason.empty() ? "stored" : r.reason);
  }
  write_output_file(
      work.done(task),
      fmt::format("{{\"points\": {}, \"done\": {}, \"failed\": {}, \"already\": {}}}\n",
                  report.points, report.done, report.failed, report.already),
      "task marker");
  return report;
}

ShardMerge merge_shards(const WorkFiles& work, traces::TraceStore& out) {
  const PointsFile points = read_points_file(work.points());
  ShardMerge m;
  m.tasks = points.tasks;
  std::error_code ec;
  for (size_t t = 0; t < points.tasks; ++t) {
    if (fs::exists(work.shard(t), ec)) {
      const traces::MergeResult r = traces::merge_database(out, work.shard(t));
      m.runs_added += static_cast<size_t>(r.runs_added);
      m.runs_already_present += static_cast<size_t>(r.runs_already_present);
      m.failures_added += static_cast<size_t>(r.failures_added);
    }
    if (!fs::exists(work.done(t), ec)) m.missing.push_back(t);
  }
  return m;
}

}  // namespace mcuprof::profiler::sweep
