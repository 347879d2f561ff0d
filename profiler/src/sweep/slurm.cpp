// Submitting a sweep to Slurm and reading its state back (slurm.hpp). Nothing here
// schedules anything: sbatch, squeue, sacct and scontrol do.
#include "sweep/slurm.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler::sweep {
namespace {

namespace fs = std::filesystem;

std::string self_path() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("mcuprof") : p.string();
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// sbatch --parsable prints "JOBID" or "JOBID;CLUSTER".
std::string sbatch(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"sbatch", "--parsable"});
  const CommandOutput r = run_command(argv);
  if (r.status != 0)
    throw CommandError(exit_code::kSoftware, fmt::format("sweep: sbatch failed (status {}): {}",
                                                         r.status, trimmed(r.out)));
  const std::string id = trimmed(r.out.substr(0, r.out.find(';')));
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw CommandError(exit_code::kSoftware,
                       fmt::format("sweep: sbatch said '{}', not a job id", trimmed(r.out)));
  return id;
}

void write_script(const WorkFiles& work) {
  const std::string script = fmt::format(
      "#!/bin/sh\n"
      "# A task of an mcuprof sweep: runs its shard of {} into its own database.\n"
      "exec {} sweep task {} --task \"$SLURM_ARRAY_TASK_ID\"\n",
      work.points().string(), quoted(self_path()), quoted(work.dir.string()));
  write_output_file(work.script(), script, "sbatch script");
}

// Task states from `scontrol show job -o JOB` (kept for MinJobAge after the end).
std::map<std::string, std::string> scontrol_states(const std::string& job) {
  std::map<std::string, std::string> states;
  const CommandOutput r = run_command({"scontrol", "show", "job", "-o", job});
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const auto field = [&](const std::string& key) {
      const auto at = line.find(key + "=");
      if (at == std::string::npos) return std::string();
      const auto from = at + key.size() + 1;
      return line.substr(from, line.find(' ', from) - from);
    };
    const std::string task = field("ArrayTaskId");
    if (!task.empty()) states[task] = field("JobState");
  }
  return states;
}

// From sacct (accounting), else scontrol; squeue's pending ranges last ("[3-11%2]").
std::map<std::string, std::string> task_states(const std::string& job) {
  std::map<std::string, std::string> states;
  const CommandOutput acct =
      run_command({"sacct", "-n", "-P", "-X", "-j", job, "-o", "JobID,State"});
  if (acct.status == 0) {
    std::istringstream in(acct.out);
    for (std::string line; std::getline(in, line);) {
      const auto bar = line.find('|'), under = line.find('_');
      if (bar != std::string::npos && under != std::string::npos && under < bar)
        states[line.substr(under + 1, bar - under - 1)] = line.substr(bar + 1);
    }
  }
  if (states.empty()) states = scontrol_states(job);
  return states;
}

}  // namespace

fs::path WorkFiles::shard(size_t task) const {
  return dir / "shards" / fmt::format("task-{}.db", task);
}
fs::path WorkFiles::done(size_t task) const {
  return dir / "shards" / fmt::format("task-{}.done", task);
}

CommandOutput run_command(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    execvp(cargv[0], cargv.data());
    _exit(127);
  }
  close(fds[1]);
  CommandOutput r;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    r.out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  if (pid > 0) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (pid > 0 && r.status == 127 && r.out.empty()) r.out = fmt::format("{}: not found", argv[0]);
  return r;
}

Submission submit(const WorkFiles& work, size_t tasks, const fs::path& database,
                  const SlurmOptions& o) {
  std::error_code ec;
  fs::create_directories(work.logs(), ec);
  fs::create_directories(work.dir / "shards", ec);
  write_script(work);
  std::vector<std::string> common{fmt::format("--job-name=mcuprof-sweep")};
  if (!o.partition.empty()) common.push_back("--partition=" + o.partition);
  if (!o.time.empty()) common.push_back("--time=" + o.time);
  std::string array = fmt::format("--array=0-{}", tasks - 1);
  if (o.array_max > 0) array += fmt::format("%{}", o.array_max);
  std::vector<std::string> args = common;
  args.insert(args.end(), {array, "--output=" + (work.logs() / "task-%A_%a.out").string(),
                           work.script().string()});
  Submission s;
  s.job_id = sbatch(args);
  args = common;
  args.insert(
      args.end(),
      {"--dependency=afterany:" + s.job_id, "--output=" + (work.logs() / "merge-%j.out").string(),
       "--wrap=" + fmt::format("exec {} sweep merge {} --work-dir {}", quoted(self_path()),
                               quoted(fs::absolute(database).string()),
                               quoted(work.dir.string()))});
  s.merge_job_id = sbatch(args);
  nlohmann::json j{{"job_id", s.job_id},
                   {"merge_job_id", s.merge_job_id},
                   {"tasks", tasks},
                   {"database", fs::absolute(database).string()}};
  write_output_file(work.jobs(), j.dump(2) + "\n", "Slurm job record");
  return s;
}

std::vector<std::string> slurm_status(const WorkFiles& work) {
  std::ifstream in(work.jobs());
  if (!in) return {};
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return {fmt::format("{}: unreadable Slurm job record", work.jobs().string())};
  }
  const std::string job = j.value("job_id", ""), merge = j.value("merge_job_id", "");
  const size_t tasks = j.value("tasks", size_t{0});
  auto states = task_states(job);
  // Tasks squeue still lists (pending ones may be a range): PENDING/RUNNING.
  const CommandOutput q = run_command({"squeue", "-h", "-r", "-j", job, "-o", "%K %T"});
  std::istringstream lines(q.out);
  for (std::string line; std::getline(lines, line);)
    if (const auto sp = line.find(' '); sp != std::string::npos)
      states[line.substr(0, sp)] = line.substr(sp + 1);
  std::map<std::string, size_t> counts;
  for (size_t t = 0; t < tasks; ++t) {
    const auto it = states.find(std::to_string(t));
    ++counts[it == states.end() ? "UNKNOWN" : it->second];
  }
  std::vector<std::string> parts;
  for (const auto& [state, n] : counts) parts.push_back(fmt::format("{} {}", n, state));
  std::string merge_state = "finished or unknown";
  const CommandOutput m = run_command({"squeue", "-h", "-j", merge, "-o", "%T"});
  if (m.status == 0 && !trimmed(m.out).empty()) merge_state = trimmed(m.out);
  return {fmt::format("Slurm job {}: {} tasks: {}", job, tasks, fmt::join(parts, ", ")),
          fmt::format("merge job {}: {}", merge, merge_state)};
}

std::string resubmit_command(const WorkFiles& work, const std::vector<size_t>& tasks) {
  std::error_code ec;
  if (fs::exists(work.script(), ec))
    return fmt::format("sbatch --array={} {}", fmt::join(tasks, ","), work.script().string());
  std::vector<std::string> lines;
  for (size_t t : tasks)
    lines.push_back(fmt::format("mcuprof sweep task {} --task {}", work.dir.string(), t));
  return fmt::format("{}", fmt::join(lines, " && "));
}

}  // namespace mcuprof::profiler::sweep
