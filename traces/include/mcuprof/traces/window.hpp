// The inference window of a stored run and time relative to it. Every timeline mcuprof
// shows (report, plot, the GUI's chart, the Chrome trace) has 0 at the inference start:
// the firmware's RUN_BEGIN marker when it sent RUN_BEGIN and RUN_END, else the start of
// the machine run. The stored times stay cycles since reset; the window is stored as the
// `inference_begin` / `inference_end` arguments of the run's `run` slice, and the parts
// around it as `phase` slices named `start-up` (reset to RUN_BEGIN) and `wind-down`
// (RUN_END to the machine's stop) on the `layers` track (docs/trace-schema.md).
#pragma once

#include <cstdint>
#include <string>

#include "mcuprof/traces/records.hpp"

namespace mcuprof::traces {

class TraceStore;

namespace kind {
inline constexpr const char* kPhase = "phase";  // start-up, wind-down
}  // namespace kind

namespace phase {
inline constexpr const char* kStartUp = "start-up";
inline constexpr const char* kWindDown = "wind-down";
}  // namespace phase

// Argument keys of the run slice.
inline constexpr const char* kInferenceBeginArg = "inference_begin";
inline constexpr const char* kInferenceEndArg = "inference_end";
// When the window is the first call to a function (a stock firmware without markers).
inline constexpr const char* kInferenceFunctionArg = "inference_function";
inline constexpr const char* kInferenceCallsArg = "inference_calls";
// The memory system as the firmware left it (caches, accelerator, flash latency), as
// the writer described it in a line.
inline constexpr const char* kMemorySystemArg = "memory_system";

// Where a cycle since reset lies relative to the window.
enum class Phase { StartUp, Inference, WindDown };

struct InferenceWindow {
  uint64_t begin = 0;    // cycle since reset of the inference start (time 0)
  uint64_t end = 0;      // cycle since reset of its end (begin + total_cycles)
  uint64_t run_end = 0;  // the machine run's last cycle (end of the run slice)
  bool marked = false;   // true: RUN_BEGIN..RUN_END; false: the whole machine run
  std::string function;  // the window is the first call to this function ("": markers)
  uint64_t calls = 0;    // ... which was called this many times

  uint64_t cycles() const { return end - begin; }
  // Cycles relative to the inference start (negative during start-up).
  int64_t relative(uint64_t cycle) const {
    return static_cast<int64_t>(cycle) - static_cast<int64_t>(begin);
  }
  Phase phase_of(uint64_t cycle) const {
    if (cycle < begin) return Phase::StartUp;
    return cycle <= end ? Phase::Inference : Phase::WindDown;
  }
  // "inference window RUN_BEGIN..RUN_END", "inference window: the first call to F (1 of 2
  // calls)" or "whole run (no RUN_BEGIN/RUN_END markers)".
  std::string describe() const;
};

// The window of a run as it was stored. Runs stored before the window was recorded (and
// runs without markers) get [0, total_cycles] with `marked` false.
// A text argument of the run's run slice, "" when there is none.
std::string run_slice_text(const TraceStore& store, const RunRecord& run, std::string_view key);

InferenceWindow inference_window(const TraceStore& store, const RunRecord& run);

std::string_view to_string(Phase phase);

}  // namespace mcuprof::traces
