// The inference window of a stored run (see window.hpp).
#include "mcuprof/traces/window.hpp"

#include <algorithm>

#include "mcuprof/traces/store.hpp"

namespace mcuprof::traces {

std::string InferenceWindow::describe() const {
  if (marked && !function.empty())
    return "inference window: the first call to " + function +
           (calls > 1 ? " (1 of " + std::to_string(calls) + " calls)" : "");
  return marked ? "inference window RUN_BEGIN..RUN_END"
                : "whole run (no RUN_BEGIN/RUN_END markers)";
}

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::StartUp:
      return phase::kStartUp;
    case Phase::Inference:
      return "inference";
    case Phase::WindDown:
      return phase::kWindDown;
  }
  return "inference";
}

std::string run_slice_text(const TraceStore& store, const RunRecord& run, std::string_view key) {
  const auto runs = store.spans(run.id, {track::kLayers, kind::kRun});
  if (runs.empty()) return {};
  for (const auto& [k, value] : runs.front().args)
    if (k == key && std::holds_alternative<std::string>(value)) return std::get<std::string>(value);
  return {};
}

InferenceWindow inference_window(const TraceStore& store, const RunRecord& run) {
  InferenceWindow w;
  w.end = run.total_cycles;
  w.run_end = run.total_cycles;
  const auto runs = store.spans(run.id, {track::kLayers, kind::kRun});
  if (runs.empty()) return w;
  const Span& s = runs.front();
  w.run_end = std::max(w.end, s.ts + s.dur);
  std::optional<uint64_t> begin, end;
  std::string function;
  uint64_t calls = 0;
  for (const auto& [key, value] : s.args) {
    if (key == kInferenceFunctionArg && std::holds_alternative<std::string>(value))
      function = std::get<std::string>(value);
    if (!std::holds_alternative<int64_t>(value) || std::get<int64_t>(value) < 0) continue;
    if (key == kInferenceCallsArg) calls = static_cast<uint64_t>(std::get<int64_t>(value));
    if (key == kInferenceBeginArg) begin = static_cast<uint64_t>(std::get<int64_t>(value));
    if (key == kInferenceEndArg) end = static_cast<uint64_t>(std::get<int64_t>(value));
  }
  if (begin && end && *end >= *begin) {
    w.begin = *begin;
    w.end = *end;
    w.marked = true;
    w.function = function;
    w.calls = calls;
  } else {
    w.end = w.run_end;
  }
  return w;
}

}  // namespace mcuprof::traces
