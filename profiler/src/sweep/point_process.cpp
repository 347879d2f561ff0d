// Running one sweep point as a child `mcuprof run` and storing its outcome
// (point_process.hpp).
#include "sweep/point_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/merge.hpp"
#include "mcuprof/traces/store.hpp"

namespace mcuprof::profiler::sweep {
namespace {

namespace fs = std::filesystem;

void remove_db(const fs::path& db) {
  std::error_code ec;
  for (const char* tail : {"", "-wal", "-shm"}) fs::remove(db.string() + tail, ec);
}

// The child's one-line reason: its last "mcuprof: error: ..." line, else its last line.
std::string reason_from_log(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last, error;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    last = line;
    if (line.starts_with("mcuprof: error: ")) error = line.substr(16);
  }
  return error.empty() ? last : error;
}

}  // namespace

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

PointProcess start_point(const Point& point, const RunOptions& options, const fs::path& scratch) {
  PointProcess p;
  p.point = point;
  const std::string stem = fmt::format("point-{}-{}", point.input_hash.substr(0, 16), getpid());
  p.db = scratch / (stem + ".db");
  p.summary = scratch / (stem + ".json");
  p.log = scratch / (stem + ".log");
  remove_db(p.db);
  std::error_code ec;
  fs::remove(p.summary, ec);

  std::vector<std::string> args{"/proc/self/exe", "run"};
  for (auto& a : run_arguments(point, options)) args.push_back(std::move(a));
  args.insert(args.end(), {"--db", p.db.string(), "--summary", p.summary.string()});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = p.log.string();
  const pid_t parent = getpid();

  p.pid = fork();
  if (p.pid < 0)
    throw CommandError(exit_code::kSoftware,
                       fmt::format("cannot start a worker: {}", std::strerror(errno)));
  if (p.pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(exit_code::kInterrupted);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    if (null >= 0) dup2(null, STDIN_FILENO);
    execv(argv[0], argv.data());
    _exit(exit_code::kSoftware);
  }
  return p;
}

PointResult point_result(const PointProcess& p, int wait_status) {
  PointResult r;
  r.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
  nlohmann::json summary;
  if (std::ifstream in(p.summary); in) {
    try {
      summary = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception&) {
      summary = nullptr;
    }
  }
  const bool interrupted =
      r.status == exit_code::kInterrupted || r.status == exit_code::kTerminated ||
      (summary.is_object() && summary.value("stop_reason", "") == "interrupted");
  if (interrupted) {
    r.kind = PointResult::Kind::Interrupted;
    r.reason = "interrupted";
    return r;
  }
  if (summary.is_object() && summary.contains("run_id") && summary["run_id"].is_number_integer()) {
    r.kind = PointResult::Kind::Stored;
    r.run_id = summary["run_id"].get<int64_t>();
    r.schedule = summary.value("schedule", "");
    r.latency_ms = summary.value("latency_ms", 0.0);
    if (r.status != exit_code::kOk) {
      const std::string detail = summary.value("detail", "");
      r.reason = r.status == exit_code::kGateFailed ? "a --fail-if gate failed"
                 : !detail.empty()                  ? detail
                                                    : summary.value("stop_reason", "failed");
    }
    return r;
  }
  r.kind = PointResult::Kind::Failed;
  r.reason = reason_from_log(p.log);
  if (r.reason.empty()) r.reason = fmt::format("mcuprof run ended with status {}", r.status);
  return r;
}

void absorb(const PointProcess& p, const PointResult& r, traces::TraceStore& out,
            const traces::Provenance& base) {
  traces::Provenance prov = base;
  prov.input_hash = p.point.input_hash;
  if (r.kind == PointResult::Kind::Stored) {
    {
      auto point_db = traces::TraceStore::open(p.db, traces::TraceStore::Mode::ReadWrite);
      point_db.set_provenance(r.run_id, prov);
    }
    traces::merge_database(out, p.db);
  } else if (r.kind == PointResult::Kind::Failed) {
    traces::FailureRecord f;
    f.name = p.point.name;
    f.target = p.point.target;
    f.model_path = p.point.model.string();
    f.schedule = p.point.schedule;
    f.exit_code = r.status;
    f.reason = r.reason;
    f.started_at = utc_now();
    f.provenance = prov;
    out.add_failure(f);
  }
  remove_db(p.db);
  std::error_code ec;
  fs::remove(p.summary, ec);
  if (r.kind != PointResult::Kind::Failed) fs::remove(p.log, ec);
}

PointResult run_point(const Point& point, const RunOptions& options, const fs::path& scratch,
                      traces::TraceStore& out, const traces::Provenance& base) {
  const PointProcess p = start_point(point, options, scratch);
  int status = 0;
  while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
  }
  PointResult r = point_result(p, status);
  absorb(p, r, out, base);
  return r;
}

}  // namespace mcuprof::profiler::sweep
