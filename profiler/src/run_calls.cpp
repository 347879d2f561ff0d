// The calls of an ELF run (see run_calls.hpp).
#include "run_calls.hpp"

#include <fmt/format.h>

#include <ostream>
#include <stdexcept>

#include "mcuprof/profiler/exit_codes.hpp"
#include "model_layers.hpp"

namespace mcuprof::profiler {

RunCalls::RunCalls(sim::Machine& machine, const sim::ElfImage& image, const RunRequest& request,
                   EventRecorder& events)
    : request_(request) {
  CallTargets targets;
  try {
    targets = resolve_call_targets(image, request.window_functions, request.layers_from);
  } catch (const std::invalid_argument& e) {
    throw CommandError(exit_code::kUsage, e.what());
  }
  if (request.function_cycles == 0 && !targets.any()) return;
  functions_.emplace(machine, image);
  if (!targets.any()) {
    events.on_window(
        [this](bool begin, const Counters& at) { functions_->window_edge(begin, at); });
    return;
  }
  calls_.emplace(std::move(targets),
                 [this](int f) -> const CallFunction& { return functions_->function(f); });
  functions_->set_listener(&*calls_);
  calls_->on_window([this](bool begin, const Counters& at) { functions_->window_edge(begin, at); });
  calls_->on_layer_edge([&events](uint64_t cycle) { events.sample_stack(cycle); });
  events.on_window([this](bool begin, const Counters& at) { calls_->marker_edge(begin, at); });
}

void RunCalls::finish(Attribution& a, std::ostream& err) {
  const auto nothing_to_name = [&] {
    if (request_.layers_from_model)
      err << "mcuprof: warning: --model names layers from calls, and this run has none (a "
             "firmware's own layer markers name its layers; without them give --layers-from "
             "FUNCTION)\n";
  };
  if (!functions_ || !calls_) nothing_to_name();
  if (!functions_) return;
  functions_->finish();
  if (!calls_) return;
  std::optional<CallSpans::ModelNames> names;
  const auto layer_calls = calls_->layer_calls();
  if (request_.layers_from_model && request_.model) {
    std::vector<uint32_t> addresses;
    std::vector<std::string> function_names;
    for (const auto& c : layer_calls) {
      addresses.push_back(functions_->function(c.function).address);
      function_names.push_back(functions_->function(c.function).name);
    }
    std::string warning;
    try {
      auto match = match_model(model_operators(*request_.model), addresses, function_names);
      warning = match.warning;
      if (!match.note.empty()) err << "mcuprof: --model: " << match.note << '\n';
      if (warning.empty()) names = std::move(match.names);
    } catch (const std::exception& e) {
      warning = fmt::format("--model: {}; the layers keep the called functions' names", e.what());
    }
    if (!warning.empty() && !layer_calls.empty()) err << "mcuprof: warning: " << warning << '\n';
  }
  if (!calls_->apply(a, layer_calls, names ? &*names : nullptr)) nothing_to_name();
}

std::vector<traces::Span> RunCalls::spans() const {
  return functions_ ? functions_->spans() : std::vector<traces::Span>{};
}

void RunCalls::add_to_summary(const Attribution& a, nlohmann::json& s) const {
  auto& w = s["inference_window"];
  if (calls_) {
    const nlohmann::json from_calls = calls_->summary(a);
    w.update(from_calls);
  } else {
    w["source"] = inference_window(a).marked ? "markers" : "whole run";
    w["function"] = nullptr;
    w["calls"] = nullptr;
  }
  if (functions_ && request_.function_cycles > 0) {
    s["functions"] = functions_->summary(request_.function_cycles);
    s["functions_window"] = functions_->window_json();
  }
}

}  // namespace mcuprof::profiler
