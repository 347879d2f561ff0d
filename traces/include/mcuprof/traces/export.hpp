// Exporters of a stored run: Chrome trace event JSON (opens in Perfetto UI and
// chrome://tracing) and folded stacks (input of flame-graph tools).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace mcuprof::traces {

class TraceStore;

// Chrome trace event format: one "X" (complete) event per span, one thread (tid) per span
// track, so events nest strictly per tid; one "C" (counter) event per stored counter
// sample. Timestamps are microseconds at the run's clock (clock_hz), rounded to the
// nanosecond, from the inference start (window.hpp); what ran before it (start-up) is in
// a second process, pid kStartUpPidOffset + run id, timed from reset (Perfetto refuses
// negative timestamps). The calling-context tree ("functions" track, not a timeline) is
// left out; its timeline ("functions.timeline") is the thread named "functions".
// Throws TraceError for an unknown run or a run without a clock.
inline constexpr int64_t kStartUpPidOffset = 1'000'000;
void write_chrome_trace(const TraceStore& store, int64_t run_id, std::ostream& out);

// Folded stacks: one "frame;frame;frame cycles" line per distinct stack of the span track
// (default: layers), cycles being the exclusive (self) cycles of the innermost frame, so
// the lines add up to the durations of the root spans (the run's cycles when a run span
// covers it). Frames have ';' and newlines replaced. Throws TraceError for an unknown run.
void write_folded_stacks(const TraceStore& store, int64_t run_id, std::ostream& out,
                         const std::string& track = "layers");

}  // namespace mcuprof::traces
