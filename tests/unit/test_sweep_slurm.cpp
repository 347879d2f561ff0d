// `mcuprof sweep run --slurm` on a real single-node Slurm cluster that this test brings up
// (munged, slurmctld and slurmd from Debian's munge and slurm-wlm, in a scratch folder, on
// ports of their own) and stops afterwards: a 12-point sweep submitted as one
// `sbatch --array` job and a dependent merge job, merged, and compared with the same sweep
// run locally — the same figures, spans and counters, byte for byte, apart from provenance,
// time stamps and paths. Skips, saying why, when the cluster cannot start here.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "files.hpp"
#include "mcuprof/traces/store.hpp"
#include "sweep_test_support.hpp"

using namespace mcuprof;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::optional<fs::path> find_program(const std::string& name) {
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/bin";
  for (size_t at = 0; at <= path.size();) {
    const size_t colon = std::min(path.find(':', at), path.size());
    const fs::path candidate = fs::path(path.substr(at, colon - at)) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    at = colon + 1;
  }
  return std::nullopt;
}

// A daemon started in the foreground, its output in a log file; stopped with SIGTERM
// (SIGKILL after 10 s) and reaped.
class Daemon {
 public:
  Daemon(std::vector<std::string> argv, const fs::path& log) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Daemon() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  bool running() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_ = -1;
};

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

std::string host_short_name() {
  const std::string s = host_name();
  return s.substr(0, s.find('.'));
}

// munged + slurmctld + slurmd for one node. `problem` says why it is not up.
class Cluster {
 public:
  explicit Cluster(const fs::path& dir) : dir_(dir) {
    if (geteuid() != 0) {
      problem = "slurmd needs root to start jobs";
      return;
    }
    std::map<std::string, fs::path> p;
    for (const char* name : {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"}) {
      const auto found = find_program(name);
      if (!found) {
        problem = std::string(name) +
                  " is not installed (scripts/install-deps.sh installs slurm-wlm and munge)";
        return;
      }
      p[name] = *found;
    }
    for (const char* sub : {"munge", "state", "spool", "log"}) fs::create_directories(dir / sub);
    fs::permissions(dir / "munge", fs::perms::owner_all);
    {
      std::ifstream random("/dev/urandom", std::ios::binary);
      std::string key(1024, '\0');
      random.read(key.data(), static_cast<std::streamsize>(key.size()));
      std::ofstream(dir / "munge" / "munge.key", std::ios::binary) << key;
      fs::permissions(dir / "munge" / "munge.key", fs::perms::owner_read | fs::perms::owner_write);
    }
    const std::string socket = (dir / "munge" / "munge.sock").string();
    munged_.emplace(std::vector<std::string>{p["munged"], "-F", "--force", "--socket=" + socket,
                                             "--key-file=" + (dir / "munge/munge.key").string(),
                                             "--log-file=" + (dir / "log/munged.log").string(),
                                             "--pid-file=" + (dir / "munge/munged.pid").string(),
                                             "--seed-file=" + (dir / "munge/seed").string()},
                    dir / "log" / "munged.out");
    write_conf(socket);
    setenv("SLURM_CONF", conf().c_str(), 1);
    ctld_.emplace(std::vector<std::string>{p["slurmctld"], "-D", "-i", "-f", conf()},
                  dir / "log" / "slurmctld.out");
    slurmd_.emplace(std::vector<std::string>{p["slurmd"], "-D", "-f", conf()},
                    dir / "log" / "slurmd.out");
    wait_until_idle(p["sinfo"]);
  }
  ~Cluster() { unsetenv("SLURM_CONF"); }

  std::string conf() const { return (dir_ / "slurm.conf").string(); }
  std::string problem;

 private:
  void write_conf(const std::string& socket) {
    const int port = 20000 + static_cast<int>(getpid() % 20000) / 2 * 2;
    const std::string node = host_short_name();
    std::ofstream(dir_ / "slurm.conf")
        << "ClusterName=mcuproftest\nSlurmctldHost=" << node
        << "\nSlurmUser=root\nSlurmdUser=root\n"
        << "SlurmctldPort=" << port << "\nSlurmdPort=" << port + 1 << "\n"
        << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << socket << "\n"
        << "StateSaveLocation=" << (dir_ / "state").string()
        << "\nSlurmdSpoolDir=" << (dir_ / "spool").string() << "\n"
        << "SlurmctldPidFile=" << (dir_ / "slurmctld.pid").string()
        << "\nSlurmdPidFile=" << (dir_ / "slurmd.pid").string() << "\n"
        << "SlurmctldLogFile=" << (dir_ / "log/slurmctld.log").string()
        << "\nSlurmdLogFile=" << (dir_ / "log/slurmd.log").string() << "\n"
        << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/"
           "none\nJobAcctGatherType=jobacct_gather/none\n"
        << "AccountingStorageType=accounting_storage/none\nJobCompType=jobcomp/"
           "none\nMpiDefault=none\n"
        << "SwitchType=switch/none\nSchedulerType=sched/backfill\nSelectType=select/cons_tres\n"
        << "SelectTypeParameters=CR_Core\nReturnToService=2\nMinJobAge=600\n"
        << "NodeName=" << node << " CPUs=" << std::max(1L, sysconf(_SC_NPROCESSORS_ONLN))
        << " State=UNKNOWN\n"
        << "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n";
  }

  void wait_until_idle(const fs::path& sinfo) {
    std::string last;
    for (int i = 0; i < 300; ++i) {  // at most 30 s
      const auto r = test::run_process({sinfo.string(), "-h", "-o", "%t"});
      last = r.out + r.err;
      if (r.status == 0 && r.out.find("idle") != std::string::npos) return;
      if (!ctld_->running() || !slurmd_->running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    problem = "the single-node cluster did not come up (sinfo: " + last.substr(0, 200) +
              "); logs in " + (dir_ / "log").string();
  }

  fs::path dir_;
  std::optional<Daemon> munged_, ctld_, slurmd_;
};

std::string run_json_text(const traces::RunRecord& r) {
  std::string t;
  for (const std::string& v :
       {r.name, r.status, r.target, r.firmware_sha256, r.model_sha256, r.schedule, r.tool_version,
        r.cycle_model, r.stop_reason, r.fault, r.detail, r.peak_sram_where})
    t += v + "|";
  for (const uint64_t v : {r.clock_hz,
                           r.total_cycles,
                           r.instructions,
                           r.peak_sram_bytes,
                           r.peak_sram_ts,
                           r.arena_bytes,
                           r.static_sram_bytes,
                           r.kernel_scratch_bytes,
                           r.stack_bytes,
                           r.stack_peak_bytes,
                           r.sram_in_use_peak_bytes,
                           r.sram_bytes,
                           r.flash_bytes,
                           r.firmware_flash_bytes,
                           r.model_flash_bytes,
                           r.flash_size_bytes,
                           r.macs,
                           r.flash_ifetch_bytes,
                           r.flash_data_bytes,
                           static_cast<uint64_t>(r.exit_code),
                           static_cast<uint64_t>(r.flash_data_measured)})
    t += std::to_string(v) + "|";
  return t + "\n";
}

// Everything of each run but ids, provenance, time stamps and paths, by input hash.
std::map<std::string, std::string> figures_by_point(const fs::path& db) {
  const auto store = traces::TraceStore::open(db, traces::TraceStore::Mode::ReadOnly);
  std::map<std::string, std::string> out;
  for (auto r : store.runs()) {
    const std::string hash = r.provenance.input_hash;
    std::string text = run_json_text(r);
    for (const auto& s : store.spans(r.id))
      text += s.track + ";" + s.name + ";" + s.kind + ";" + std::to_string(s.ts) + ";" +
              std::to_string(s.dur) + ";" + std::to_string(s.cycles) + ";" +
              std::to_string(s.instructions) + ";" + std::to_string(s.flash_ifetch_bytes) + ";" +
              std::to_string(s.flash_data_bytes) + ";" + std::to_string(s.sram_peak_bytes) + ";" +
              std::to_string(s.macs) + "\n";
    for (const auto& t : store.tracks(r.id))
      if (t.type == "counter")
        for (const auto& c : store.counters(r.id, t.name))
          text += t.name + "@" + std::to_string(c.ts) + "=" + std::to_string(c.value) + "\n";
    out[hash] = text;
  }
  return out;
}

}  // namespace

TEST(SweepSlurm, ArrayJobMergedEqualsTheLocalSweep) {
  test::ScratchDir dir;
  Cluster cluster(dir / "cluster");
  if (!cluster.problem.empty()) GTEST_SKIP() << cluster.problem;

  const json sweep{{"name", "slurm12"},
                   {"models", {test::tiny_models({0.1, 0.15, 0.2})}},
                   {"boards", {"stm32f412", "stm32h743"}},
                   {"schedules", {"layer", "patch"}}};
  const auto file = test::write_sweep(dir.path(), sweep);
  const auto slurm_db = dir / "slurm.db", local_db = dir / "local.db";
  const auto submitted =
      test::mcuprof_cli({"sweep", "run", file.string(), "--db", slurm_db.string(), "--slurm",
                         "--tasks", "4", "--array-max", "2", "--time", "10"});
  ASSERT_EQ(submitted.status, 0) << submitted.err;
  const std::string job = submitted.out.substr(0, submitted.out.find('\n'));
  EXPECT_NE(submitted.err.find("12 points"), std::string::npos) << submitted.err;

  // Bounded wait for the merge job: the database gets every point.
  size_t stored = 0;
  for (int i = 0; i < 1800 && stored < 12; ++i) {  // at most 3 minutes
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::error_code ec;
    try {
      if (fs::exists(slurm_db, ec)) stored = test::run_hashes(slurm_db).size();
    } catch (const SQLite::Exception&) {
      // the merge job is creating the database's tables: look again
    }
  }
  ASSERT_EQ(stored, 12u) << "the Slurm sweep did not finish; logs in "
                         << (dir / "slurm.db.sweep" / "logs");
  const auto status = test::mcuprof_cli({"sweep", "status", slurm_db.string()});
  EXPECT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("Slurm job " + job + ": 4 tasks"), std::string::npos) << status.out;
  const auto merge_again = test::mcuprof_cli({"sweep", "merge", slurm_db.string()});
  ASSERT_EQ(merge_again.status, 0) << merge_again.err;
  EXPECT_NE(merge_again.out.find("merged 0 runs (12 already present)"), std::string::npos)
      << merge_again.out;
  EXPECT_EQ(merge_again.out.find("did not finish"), std::string::npos) << merge_again.out;

  const auto local =
      test::mcuprof_cli({"sweep", "run", file.string(), "--db", local_db.string(), "-j", "2"});
  ASSERT_EQ(local.status, 0) << local.err;
  const auto a = figures_by_point(slurm_db), b = figures_by_point(local_db);
  ASSERT_EQ(a.size(), 12u);
  ASSERT_EQ(b.size(), 12u);
  for (const auto& [hash, text] : a) {
    ASSERT_TRUE(b.contains(hash)) << hash;
    EXPECT_EQ(text, b.at(hash)) << hash;
  }
  const auto store = traces::TraceStore::open(slurm_db, traces::TraceStore::Mode::ReadOnly);
  std::set<std::string> tasks;
  for (const auto& r : store.runs()) {
    EXPECT_EQ(r.provenance.job_id, job);
    EXPECT_EQ(r.provenance.host, host_name());
    tasks.insert(r.provenance.task_id);
  }
  EXPECT_EQ(tasks, (std::set<std::string>{"0", "1", "2", "3"}));
}
