// Per-function figures of `mcuprof run --function-cycles N`: the flat cycles per function
// from the machine's block profile, and inclusive/exclusive cycles, instructions and
// flash bytes per function from a shadow call stack (call_stacks.hpp), stored as the
// run's calling-context tree on the "functions" track (docs/trace-schema.md).
#pragma once

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcuprof/profiler/call_stacks.hpp"
#include "mcuprof/sim/machine.hpp"
#include "mcuprof/traces/records.hpp"

namespace mcuprof::profiler {

class FunctionProfiler {
 public:
  // Installs the call-stack recorder on the machine (one virtual call per block).
  FunctionProfiler(sim::Machine& machine, const sim::ElfImage& image);
  FunctionProfiler(const FunctionProfiler&) = delete;
  FunctionProfiler& operator=(const FunctionProfiler&) = delete;

  // After the run: closes the call stack at the machine's final counters.
  void finish();
  // The `functions` array of the run summary: at most `rows` functions, most flat
  // cycles first.
  nlohmann::json summary(unsigned rows) const;
  // The calling-context tree as slices of the "functions" track (flame-graph layout).
  std::vector<traces::Span> spans() const;
  const CallTree& tree() const { return tree_; }

 private:
  sim::Machine& machine_;
  const sim::ElfImage& image_;
  CallStackRecorder recorder_;
  CallTree tree_;
};

// The tree laid out as a flame graph: every node is a slice whose duration is its
// inclusive cycles, children placed one after the other from their parent's start
// (largest first); `ts` is a position in that layout, not a time.
std::vector<traces::Span> call_tree_spans(const CallTree& tree);

}  // namespace mcuprof::profiler
