// Per-function figures of `mcuprof run --function-cycles N`: the flat cycles per function
// from the machine's block profile, and inclusive/exclusive cycles, instructions and
// flash bytes per function from a shadow call stack (call_stacks.hpp), stored as the
// run's calling-context tree on the "functions" track (docs/trace-schema.md).
#pragma once

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcuprof/profiler/call_stacks.hpp"
#include "mcuprof/profiler/trace_events.hpp"
#include "mcuprof/sim/machine.hpp"
#include "mcuprof/traces/records.hpp"

namespace mcuprof::profiler {

class FunctionProfiler {
 public:
  // Installs the call-stack recorder on the machine (one virtual call per block).
  FunctionProfiler(sim::Machine& machine, const sim::ElfImage& image);
  FunctionProfiler(const FunctionProfiler&) = delete;
  FunctionProfiler& operator=(const FunctionProfiler&) = delete;

  // Told of every call and return as they happen (the layers and window from calls).
  void set_listener(CallListener* listener) { recorder_.set_listener(listener); }
  const CallFunction& function(int index) const {
    return finished_ ? tree_.functions[static_cast<size_t>(index)] : recorder_.function(index);
  }

  // The inference window's edges (EventRecorder::on_window): the call-stack figures
  // cover RUN_BEGIN..RUN_END when the firmware sends both, else the whole run.
  void window_edge(bool begin, const Counters& at);
  // After the run: closes the call stack at the machine's final counters.
  void finish();
  // The `functions` array of the run summary: at most `rows` functions, most exclusive
  // cycles in the window first (then most flat cycles).
  nlohmann::json summary(unsigned rows) const;
  // The window the call-stack figures cover: begin_cycle, end_cycle, markers.
  nlohmann::json window_json() const;
  // The calling-context tree as slices of the "functions" track (flame-graph layout),
  // then the calls in time order on the "functions.timeline" track.
  std::vector<traces::Span> spans() const;
  const CallTree& tree() const { return tree_; }

 private:
  sim::Machine& machine_;
  const sim::ElfImage& image_;
  CallStackRecorder recorder_;
  CallTree tree_;
  bool finished_ = false;  // then the recorder's tree is in tree_
};

// The tree laid out as a flame graph: every node is a slice whose duration is its
// inclusive cycles, children placed one after the other from their parent's start
// (largest first); `ts` is a position in that layout, not a time.
std::vector<traces::Span> call_tree_spans(const CallTree& tree);

// The calls as they ran (CallTree::timeline), on the "functions.timeline" track: one
// `call` slice per call inside the window; when the timeline was capped, a zero-length
// `note` slice says from which cycle on calls are missing.
inline constexpr const char* kTimelineTrack = traces::track::kFunctionsTimeline;
std::vector<traces::Span> call_timeline_spans(const CallTree& tree);

}  // namespace mcuprof::profiler
