// The calls of an ELF run: the shadow call stack (per-function figures and the flame
// graph, run_functions.hpp) and, for a firmware with a known or named window or layer
// function, the inference window and layers from its calls (call_spans.hpp), named after
// `--model` (model_layers.hpp). Installed on the machine before the run; applied to the
// run's attribution after it.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "call_spans.hpp"
#include "mcuprof/profiler/run.hpp"
#include "run_events.hpp"
#include "run_functions.hpp"

namespace mcuprof::profiler {

class RunCalls {
 public:
  // Resolves --window/--layers-from (CommandError naming a bad name); records calls when
  // the run asks for function figures or the ELF has window or layer functions.
  RunCalls(sim::Machine& machine, const sim::ElfImage& image, const RunRequest& request,
           EventRecorder& events);
  RunCalls(const RunCalls&) = delete;
  RunCalls& operator=(const RunCalls&) = delete;

  // After the run, with the firmware's own attribution: closes the call stack, puts the
  // window and layers from calls into `a`, and prints a warning when the calls do not
  // line up with --model.
  void finish(Attribution& a, std::ostream& err);
  // The "functions" tracks to store (empty when calls were not recorded).
  std::vector<traces::Span> spans() const;
  // functions, functions_window (with --function-cycles), and the window's source.
  void add_to_summary(const Attribution& a, nlohmann::json& s) const;

 private:
  const RunRequest& request_;
  std::optional<FunctionProfiler> functions_;
  std::optional<CallSpans> calls_;
};

}  // namespace mcuprof::profiler
