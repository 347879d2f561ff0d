// Attribution: turns the firmware's decoded events into strictly nested spans (run,
// stage, layer, patch, user region) with the machine's counters at their edges, and
// the planned arena's occupancy over time from the tensor alloc/free events.
// Pure logic over TraceEvents; the profiler feeds it from the machine's observers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcuprof/profiler/trace_events.hpp"

namespace mcuprof::profiler {

enum class SpanKind { Run, Stage, Layer, Patch, Region };

// A layer's op code when none is known: a layer from a call, or a protocol-1 layer whose
// op code named no op.
inline constexpr uint32_t kNoOp = 0xFFFFFFFFu;

std::string_view to_string(SpanKind kind);

struct Span {
  SpanKind kind = SpanKind::Run;
  uint32_t index = 0;  // layer/patch index, stage or region id
  int parent = -1;     // index into Attribution::spans, -1 for the run
  unsigned depth = 0;  // 0 for the run
  Counters begin;
  Counters end;
  uint32_t op = 0;       // layer: the op's TFLite BuiltinOperator code (op_names.hpp), kNoOp
                         // for a layer from a call (see label)
  uint64_t macs = 0;     // layer: MACs the firmware reported
  std::string label;     // layer: its op's name when not from `op` (layers from calls)
  std::string function;  // layer from a call: the called function (demangled)
  int row = -1;          // patch: grid position
  int column = -1;
  uint64_t arena_peak_live_bytes = 0;    // largest sum of live tensors inside the span
  uint64_t arena_peak_extent_bytes = 0;  // largest end offset of a live tensor inside it
  bool terminated = true;                // false when the firmware never ended it (closed by force)

  uint64_t cycles() const { return end.cycles - begin.cycles; }
  uint64_t instructions() const { return end.instructions - begin.instructions; }
  uint64_t flash_ifetch_bytes() const { return end.flash_ifetch_bytes - begin.flash_ifetch_bytes; }
  uint64_t flash_data_bytes() const { return end.flash_data_bytes - begin.flash_data_bytes; }
};

// One point of the planned-arena timeline, taken at every alloc and free.
struct ArenaSample {
  uint64_t cycle = 0;
  uint64_t live_bytes = 0;    // sum of the sizes of live tensors
  uint64_t extent_bytes = 0;  // highest end offset among live tensors
};

struct Attribution {
  std::vector<Span> spans;  // preorder: every span after its parent; spans[0] is the run
  std::vector<ArenaSample> arena;
  std::optional<uint32_t> arena_address;
  std::optional<uint32_t> arena_size;
  uint64_t arena_peak_live_bytes = 0;
  uint64_t arena_peak_extent_bytes = 0;
  std::vector<std::string> problems;  // protocol misuse the firmware should fix
  // Counters at RUN_BEGIN and RUN_END (the firmware's measured work, e.g. one inference,
  // without start-up), when the firmware sent them.
  std::optional<Counters> run_begin;
  std::optional<Counters> run_end;
  // Set when the window is instead the first call to a function (call_spans.hpp): its
  // demangled name and how many times it was called.
  std::string window_function;
  uint64_t window_calls = 0;
  // The memory system as the firmware left it, described (memory_system.hpp).
  std::string memory_system;
};

// The inference window: [RUN_BEGIN, RUN_END] when the firmware sent both (the first
// RUN_BEGIN and the first RUN_END after it), else the whole run (spans[0]). Every
// per-run figure that covers "the inference" (cycles, latency, per-function shares) and
// every timeline's 0 come from this one window (docs/trace-schema.md).
struct InferenceWindow {
  Counters begin;
  Counters end;
  bool marked = false;  // true: the firmware's markers; false: the whole run
};
InferenceWindow inference_window(const Attribution& attribution);

class Attributor {
 public:
  explicit Attributor(const Counters& start);
  void on_event(const TraceEvent& event);
  // Closes every open span at `end` and returns the result.
  Attribution finish(const Counters& end);

 private:
  struct LiveTensor {
    uint32_t offset;
    uint32_t bytes;
  };

  void begin_span(SpanKind kind, const TraceEvent& event);
  void end_span(SpanKind kind, const TraceEvent& event);
  void alloc(const TraceEvent& event);
  void release(const TraceEvent& event);
  void record_arena(uint64_t cycle);
  void problem(std::string text);

  Attribution result_;
  std::vector<int> open_;  // stack of open span indices
  std::map<uint32_t, LiveTensor> live_;
  uint64_t live_bytes_ = 0;
  // The protocol of the last RUN_BEGIN (the current one until a RUN_BEGIN says otherwise):
  // protocol 1's layer op codes are translated to TFLite's codes.
  uint32_t protocol_ = kProtocolVersion;
};

}  // namespace mcuprof::profiler
