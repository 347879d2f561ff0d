// The Slurm side of a sweep — the only place mcuprof talks to a batch system: writing the
// array job script, `sbatch --array` for the points' shards plus a dependent merge job
// (`--dependency=afterany`), and reading `squeue`/`sacct` (`scontrol` when accounting is
// off) for `sweep status`. Each task runs `mcuprof sweep task` into its own shard database.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mcuprof::profiler::sweep {

struct SlurmOptions {
  std::string partition;
  std::string time;      // --time, as sbatch takes it
  size_t array_max = 0;  // at most this many tasks at once (0: no limit)
};

// The work folder's files.
struct WorkFiles {
  std::filesystem::path dir;
  std::filesystem::path points() const { return dir / "points.json"; }
  std::filesystem::path script() const { return dir / "sweep.sbatch"; }
  std::filesystem::path jobs() const { return dir / "slurm.json"; }
  std::filesystem::path shard(size_t task) const;
  std::filesystem::path done(size_t task) const;  // written when a task finished
  std::filesystem::path logs() const { return dir / "logs"; }
  std::filesystem::path scratch() const { return dir / "scratch"; }
};

struct Submission {
  std::string job_id;
  std::string merge_job_id;
};

// Writes the array script and submits it (tasks 0..tasks-1) and the merge job after it.
// Throws CommandError naming sbatch's complaint.
Submission submit(const WorkFiles& work, size_t tasks, const std::filesystem::path& database,
                  const SlurmOptions& options);

// "12 tasks: 8 COMPLETED, 2 RUNNING, 2 PENDING; merge job 13: PENDING" and per-task
// states, from squeue and sacct (scontrol when accounting is disabled).
std::vector<std::string> slurm_status(const WorkFiles& work);

// The command that reruns the given tasks: sbatch --array=3,7 ... (a Slurm sweep), else
// the `mcuprof sweep task` lines.
std::string resubmit_command(const WorkFiles& work, const std::vector<size_t>& tasks);

// Runs a program, returning its exit status and standard output (stderr joined to it).
struct CommandOutput {
  int status = -1;
  std::string out;
};
CommandOutput run_command(const std::vector<std::string>& argv);

}  // namespace mcuprof::profiler::sweep
