// The local worker pool (local_pool.hpp): fork/exec, waitpid, a signal flag, a progress
// line on stderr (rewritten in place on a terminal, one line per point otherwise).
#include "sweep/local_pool.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <map>

#include "mcuprof/traces/store.hpp"
#include "sweep/point_process.hpp"

namespace mcuprof::profiler::sweep {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int sig) {
  g_signal = sig;
}

// SIGINT/SIGTERM set the flag (without SA_RESTART, so waitpid returns); the previous
// handlers come back when the pool ends.
class SignalFlag {
 public:
  SignalFlag() {
    g_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~SignalFlag() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  SignalFlag(const SignalFlag&) = delete;
  SignalFlag& operator=(const SignalFlag&) = delete;
  int signal() const { return g_signal; }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string duration_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

class Progress {
 public:
  explicit Progress(size_t total) : total_(total), tty_(isatty(STDERR_FILENO) == 1) {}

  void point(const Point& p, const PointResult& r, const Tally& t, size_t running) {
    if (tty_) {
      fmt::print(stderr, "\r\033[K");
      if (r.kind == PointResult::Kind::Failed || !r.reason.empty())
        fmt::print(stderr, "sweep: {} on {} ({}): {}\n", p.name, p.target, p.schedule, r.reason);
    } else {
      fmt::print(stderr, "sweep: [{}/{}] {} on {} ({}): {}\n", t.done + t.failed, total_, p.name,
                 p.target, p.schedule, what(r));
    }
    line(t, running);
  }

  void line(const Tally& t, size_t running) {
    if (!tty_) return;
    const size_t finished = t.done + t.failed;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const std::string eta = finished == 0 ? "?"
                                          : duration_text(elapsed / static_cast<double>(finished) *
                                                          static_cast<double>(total_ - finished));
    fmt::print(stderr, "\r\033[Ksweep: {}/{} done, {} failed, {} running, ETA {}", finished, total_,
               t.failed, running, eta);
    std::fflush(stderr);
  }

  void end() {
    if (tty_) fmt::print(stderr, "\r\033[K");
  }

 private:
  static std::string what(const PointResult& r) {
    if (r.kind == PointResult::Kind::Failed) return "failed: " + r.reason;
    if (!r.reason.empty()) return fmt::format("stored, {}", r.reason);
    return fmt::format("{:.3f} ms, schedule {}", r.latency_ms, r.schedule);
  }

  size_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void count(Tally& t, const PointResult& r) {
  if (r.kind == PointResult::Kind::Interrupted)
    ++t.stopped;
  else if (r.kind == PointResult::Kind::Failed || !r.reason.empty())
    ++t.failed;
  else
    ++t.done;
}

}  // namespace

Tally run_locally(const std::vector<Point>& points, const RunOptions& options, size_t workers,
                  const std::filesystem::path& scratch, traces::TraceStore& out) {
  const SignalFlag flag;
  Tally t;
  t.total = points.size();
  Progress progress(points.size());
  const traces::Provenance base{"", "", "", host_name()};
  std::map<pid_t, PointProcess> running;
  size_t next = 0;
  bool stopping = false;
  while (next < points.size() || !running.empty()) {
    if (flag.signal() != 0 && !stopping) {
      stopping = true;
      t.signal = flag.signal();
      for (const auto& [pid, _] : running) kill(pid, SIGTERM);
    }
    while (!stopping && next < points.size() && running.size() < workers) {
      auto p = start_point(points[next++], options, scratch);
      running.emplace(p.pid, std::move(p));
      progress.line(t, running.size());
    }
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) continue;  // EINTR: a signal; the loop looks at the flag
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const PointProcess p = std::move(it->second);
    running.erase(it);
    const PointResult r = point_result(p, status);
    absorb(p, r, out, base);
    count(t, r);
    if (r.kind != PointResult::Kind::Interrupted) progress.point(p.point, r, t, running.size());
  }
  progress.end();
  return t;
}

}  // namespace mcuprof::profiler::sweep
