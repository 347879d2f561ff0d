// Observers of `mcuprof run` that talk to the user: the firmware's console (streamed and
// kept for the trace database), the progress line on stderr, and the peripheral
// registers the machine does not model.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

#include "mcuprof/sim/observer.hpp"
#include "mcuprof/targets/target.hpp"
#include "mcuprof/traces/records.hpp"

namespace mcuprof::profiler {

// Streams console text to the user and keeps it for the trace database.
class ConsoleRecorder final : public sim::MachineObserver {
 public:
  ConsoleRecorder(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
  void on_console(sim::ConsoleSource source, std::string_view text) override;
  std::vector<traces::ConsoleChunk> take() { return std::move(chunks_); }

 private:
  std::ostream& out_;
  std::ostream& err_;
  std::vector<traces::ConsoleChunk> chunks_;
};

// A progress line on stderr for runs longer than a second, when stderr is a terminal:
// simulated time, the simulation speed and a bar against the run's cycle budget.
class ProgressLine final : public sim::MachineObserver {
 public:
  ProgressLine(uint64_t budget_cycles, uint64_t clock_hz);
  ~ProgressLine() override { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  void on_progress(uint64_t cycles, uint64_t instructions) override;
  void clear();

 private:
  uint64_t budget_cycles_;
  double clock_hz_;
  bool enabled_;
  bool shown_ = false;
  double delay_seconds_ = 1.0;  // no line for runs shorter than this
  std::chrono::steady_clock::time_point start_;
};

// Peripheral registers the machine does not model, in the order first accessed
// (docs/machine.md, unknown-register policy).
class UnmodelledRegisters final : public sim::MachineObserver {
 public:
  void on_unmodelled_access(uint32_t address, bool write) override;
  const std::vector<std::string>& seen() const { return seen_; }
  // One warning line naming the first few, or nothing when there were none.
  std::string warning(const targets::Target& target) const;

 private:
  std::vector<std::string> seen_;
};

}  // namespace mcuprof::profiler
