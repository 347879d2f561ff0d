// Console, progress and unmodelled-register observers of `mcuprof run` (see run_console.hpp).
#include "run_console.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace mcuprof::profiler {
namespace {

std::string source_name(sim::ConsoleSource s) {
  switch (s) {
    case sim::ConsoleSource::Itm:
      return "itm";
    case sim::ConsoleSource::SemihostingStdout:
      return "semihosting-stdout";
    case sim::ConsoleSource::SemihostingStderr:
      return "semihosting-stderr";
  }
  return "unknown";
}

}  // namespace

void ConsoleRecorder::on_console(sim::ConsoleSource source, std::string_view text) {
  std::ostream& stream = source == sim::ConsoleSource::SemihostingStderr ? err_ : out_;
  stream << text;
  if (text.find('\n') != std::string_view::npos) stream.flush();
  const std::string name = source_name(source);
  // Consecutive text from one source is one chunk: fewer rows, same content.
  if (!chunks_.empty() && chunks_.back().source == name)
    chunks_.back().text += text;
  else
    chunks_.push_back({name, std::string(text)});
}

ProgressLine::ProgressLine(uint64_t budget_cycles, uint64_t clock_hz)
    : budget_cycles_(std::max<uint64_t>(1, budget_cycles)),
      clock_hz_(static_cast<double>(std::max<uint64_t>(1, clock_hz))),
      enabled_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {
  // A run shorter than this shows no line; MCUPROF_PROGRESS_DELAY_MS changes it (tests).
  if (const char* ms = std::getenv("MCUPROF_PROGRESS_DELAY_MS"); ms != nullptr)
    delay_seconds_ = std::strtod(ms, nullptr) / 1000.0;
}

void ProgressLine::on_progress(uint64_t cycles, uint64_t instructions) {
  if (!enabled_) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (seconds < delay_seconds_) return;
  constexpr int kBar = 20;
  const double done =
      std::min(1.0, static_cast<double>(cycles) / static_cast<double>(budget_cycles_));
  const int filled = static_cast<int>(done * kBar);
  fmt::print(stderr, "\r  {:.3f} s simulated [{}{}] {:3.0f}% of {:g} s budget, {:.0f} MIPS ",
             static_cast<double>(cycles) / clock_hz_, std::string(filled, '#'),
             std::string(kBar - filled, '.'), 100.0 * done,
             static_cast<double>(budget_cycles_) / clock_hz_,
             static_cast<double>(instructions) / 1e6 / seconds);
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::clear() {
  if (!shown_) return;
  fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

void UnmodelledRegisters::on_unmodelled_access(uint32_t address, bool write) {
  seen_.push_back(fmt::format("0x{:08x} {}", address, write ? "write" : "read"));
}

std::string UnmodelledRegisters::warning(const targets::Target& target) const {
  if (seen_.empty()) return {};
  constexpr size_t kShown = 6;
  std::string list;
  for (size_t i = 0; i < std::min(kShown, seen_.size()); ++i) list += (i ? ", " : "") + seen_[i];
  return fmt::format(
      "mcuprof: {} unmodelled register address(es) accessed ({} policy): {}{}\n", seen_.size(),
      target.peripherals.policy == targets::UnknownRegisterPolicy::Fault ? "fault" : "last-written",
      list, seen_.size() > kShown ? ", ..." : "");
}

}  // namespace mcuprof::profiler
