// The inference window and the layers of a firmware that sends no markers, from its calls
// (docs/cli.md, "Stock firmware"): TensorFlow Lite Micro, TinyEngine's generated code, a
// vendor library, anything with symbols.
//
// - The window: the first call to a window function (`--window`, or detected:
//   `tflite::MicroInterpreter::Invoke`, TinyEngine's `invoke`), from its entry to its
//   return, a tail-called function included. Later calls are counted, not measured. The
//   firmware's own RUN_BEGIN/RUN_END markers win when they come first, unless --window
//   was given.
// - The layers: each call a layer-dispatching function makes inside the window
//   (`--layers-from`, or detected: TFLite Micro's `MicroInterpreterGraph::InvokeSubgraph`
//   or, in older versions, `MicroInterpreter::Invoke`; TinyEngine's `invoke`). A
//   dispatcher called from a dispatcher (Invoke tail-calling InvokeSubgraph) hands over.
//   When the dispatcher calls through function pointers (BLX Rm: an interpreter's op
//   loop), the layers are the calls from its busiest such call site (the op's invoke, not
//   a profiler's or logger's); otherwise (generated code) every direct call but the
//   compiler's run-time helpers (__aeabi_*, __gnu_*). An interrupt handler is never a
//   layer: its cycles count in the layer it interrupted.
// Fed by the shadow call stack (CallListener), the firmware's window markers (marker_edge),
// and applied to the run's Attribution after the run (apply).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/profiler/call_stacks.hpp"
#include "mcuprof/sim/elf_image.hpp"

namespace mcuprof::profiler {

// Which functions define the window and the layers, resolved against the ELF.
struct CallTargets {
  std::set<uint32_t> window;  // function symbol addresses
  std::set<uint32_t> dispatchers;
  std::string window_name;  // demangled, for the summary ("" when none)
  std::string dispatcher_name;
  bool window_given = false;  // --window: the firmware's markers do not define it
  bool layers_given = false;  // --layers-from: replaces marker layers
  bool any() const { return !window.empty() || !dispatchers.empty(); }
};

// Resolves --window/--layers-from names (each may be given several times), or detects the
// known engines when none is given. Throws std::invalid_argument naming a name that
// matches no function or several.
CallTargets resolve_call_targets(const sim::ElfImage& image,
                                 const std::vector<std::string>& window_names,
                                 const std::vector<std::string>& layer_names);

// One call a dispatcher made.
struct LayerCall {
  int function = 0;  // CallTree::functions index
  CallKind kind = CallKind::Direct;
  uint32_t site = 0;  // the call's return address (0 for a tail call)
  Counters begin, end;
};

class CallSpans final : public CallListener {
 public:
  using FunctionName = std::function<const CallFunction&(int)>;
  CallSpans(CallTargets targets, FunctionName function_name);

  void on_call(size_t depth, int function, CallKind kind, uint32_t return_address,
               const sim::ExecutionCounters& at) override;
  void on_return(size_t depth, int function, const sim::ExecutionCounters& at) override;

  // The firmware's RUN_BEGIN (begin) and RUN_END at their counters.
  void marker_edge(bool begin, const Counters& at);
  // Told of the window's edges as they happen, whoever defines it (the per-function
  // figures cover the same window).
  using WindowListener = std::function<void(bool begin, const Counters& at)>;
  void on_window(WindowListener listener) { window_listener_ = std::move(listener); }
  // Told of the cycle at every call a dispatcher makes and its return (stack samples).
  void on_layer_edge(std::function<void(uint64_t cycle)> listener) {
    edge_listener_ = std::move(listener);
  }

  // After the run: the window from calls (when calls define it) into `a.run_begin/run_end`,
  // and the layer spans (when the firmware sent none, or --layers-from was given) under
  // the run, named and counted from `model` when given (one entry per layer call), else
  // by the called functions' names.
  struct ModelNames {
    std::vector<std::string> ops;  // TFLite's names
    std::vector<uint32_t> codes;   // ... and BuiltinOperator codes
    std::vector<uint64_t> macs;
  };
  // `calls` are layer_calls(). Returns whether layers from calls were added.
  bool apply(Attribution& a, const std::vector<LayerCall>& calls,
             const ModelNames* model = nullptr) const;
  // The layer calls inside the window, in order.
  std::vector<LayerCall> layer_calls() const;
  // "window": source (markers, function, whole run), function, calls; "layers": source.
  nlohmann::json summary(const Attribution& a) const;

 private:
  enum class Owner { None, Markers, Calls };
  void edge(bool begin, const Counters& at);

  CallTargets targets_;
  FunctionName function_;
  Owner owner_ = Owner::None;
  bool window_open_ = false;
  bool window_done_ = false;
  std::optional<Counters> begin_, end_;                // the window from calls
  std::optional<Counters> marker_begin_, marker_end_;  // ... or from the markers
  size_t window_depth_ = 0;
  uint64_t window_calls_ = 0;  // outermost calls to a window function, the window's included
  size_t outer_window_depth_ = SIZE_MAX;   // an open call to a window function
  std::vector<size_t> dispatcher_depths_;  // open dispatcher frames, innermost last
  struct Open {
    size_t depth;
    LayerCall call;
  };
  std::vector<Open> open_;
  std::vector<LayerCall> calls_;
  WindowListener window_listener_;
  std::function<void(uint64_t)> edge_listener_;
};

}  // namespace mcuprof::profiler
