// The records the trace store keeps: a run with its summary figures, its spans (nested
// intervals on span tracks), its counter samples (values over time on counter tracks)
// and its console text. Plain data, shared by the writer, the reader and the exporters.
// Times are in cycles of the run's clock (clock_hz). See docs/trace-schema.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mcuprof::traces {

// Where a run came from, as plain strings the store does not interpret (schema version 5):
// the hash of its inputs, so that a tool that makes many runs can recognise one it already
// has, and which job, task and host made it. Empty when not known.
struct Provenance {
  std::string input_hash;
  std::string job_id;
  std::string task_id;
  std::string host;
};

struct RunRecord {
  int64_t id = 0;                   // assigned by the store
  std::string status = "complete";  // complete | incomplete
  std::string name;                 // optional user label; runs can be found by it
  std::string target;
  std::string firmware_path;
  std::string firmware_sha256;
  std::string model_path;  // empty when the firmware carries no model image
  std::string model_sha256;
  std::string schedule;    // e.g. layer-wise, patch-4x4; empty when unknown
  std::string started_at;  // ISO 8601, UTC
  std::string tool_version;
  std::string cycle_model;
  uint64_t clock_hz = 0;
  uint64_t total_cycles = 0;
  uint64_t instructions = 0;
  std::string stop_reason;  // exited, breakpoint, cycle-budget, fault
  int exit_code = 0;
  std::string fault;   // fault kind, empty when none
  std::string detail;  // human-readable stop or fault description
  // Summary figures (0 / empty when not measured); their definitions are profiler's
  // figures.hpp (docs/cli.md, "Figures"). Peak SRAM = static + arena + kernel scratch +
  // stack; 0 from a writer that did not set it: the peak of the sram.total counter.
  uint64_t peak_sram_bytes = 0;
  uint64_t peak_sram_ts = 0;       // cycle at which SRAM in use is first highest
  std::string peak_sram_where;     // innermost span at that cycle, e.g. "patch 0,1 / conv2d 3"
  uint64_t arena_bytes = 0;        // planned arena size
  uint64_t static_sram_bytes = 0;  // parts of peak SRAM (schema version 4)
  uint64_t kernel_scratch_bytes = 0;
  uint64_t stack_bytes = 0;             // the stack reserve
  uint64_t stack_peak_bytes = 0;        // the deepest stack measured
  uint64_t sram_in_use_peak_bytes = 0;  // peak of the sram.total counter
  uint64_t sram_bytes = 0;              // the board's SRAM
  uint64_t flash_bytes = 0;             // firmware + model image
  uint64_t firmware_flash_bytes = 0;
  uint64_t model_flash_bytes = 0;
  uint64_t flash_size_bytes = 0;  // the board's flash
  uint64_t macs = 0;
  uint64_t flash_ifetch_bytes = 0;
  uint64_t flash_data_bytes = 0;
  // False when flash data reads were not counted (then every flash_data_bytes of the
  // run, its spans' included, is 0 and means "not measured").
  bool flash_data_measured = true;
  Provenance provenance;

  // Latency at the run's clock; 0 when the clock is unknown.
  double latency_ms() const {
    return clock_hz == 0
               ? 0.0
               : static_cast<double>(total_cycles) * 1000.0 / static_cast<double>(clock_hz);
  }
};

// An attempt that stored no run (schema version 5): refused before running, or a process
// that failed; `reason` is its one-line error. Kept so that the attempt is not silently
// missing, and recognised (by its provenance's input hash) when it is made again.
struct FailureRecord {
  int64_t id = 0;  // assigned by the store
  std::string name;
  std::string target;
  std::string model_path;
  std::string schedule;
  int exit_code = 0;
  std::string reason;
  std::string started_at;  // ISO 8601, UTC
  Provenance provenance;
};

struct ConsoleChunk {
  std::string source;  // itm, semihosting-stdout, semihosting-stderr
  std::string text;
};

// Conventional span kinds (the store accepts any text).
namespace kind {
inline constexpr const char* kRun = "run";
inline constexpr const char* kStage = "stage";
inline constexpr const char* kLayer = "layer";
inline constexpr const char* kPatch = "patch";
inline constexpr const char* kLayerInPatch = "layer-in-patch";
inline constexpr const char* kFunction = "function";
}  // namespace kind

// Conventional track names.
namespace track {
inline constexpr const char* kLayers = "layers";  // run > stage > layer | patch > layer-in-patch
inline constexpr const char* kFunctions = "functions";  // per-function spans without markers
// The calls of --function-cycles as they ran (one `call` slice per call, in time).
inline constexpr const char* kFunctionsTimeline = "functions.timeline";
inline constexpr const char* kSramStatic = "sram.static";
inline constexpr const char* kSramArena = "sram.arena";
inline constexpr const char* kSramStack = "sram.stack";
inline constexpr const char* kSramTotal = "sram.total";
inline constexpr const char* kSramObserved = "sram.observed";
}  // namespace track

using ArgValue = std::variant<int64_t, double, std::string>;

// One interval [ts, ts + dur) on a span track. Spans of one track nest strictly.
struct Span {
  int64_t id = 0;         // assigned by the store
  int64_t parent_id = 0;  // enclosing span on the same track; 0 for a root (set by the store)
  int depth = 0;          // 0 for a root (set by the store)
  std::string track = track::kLayers;
  std::string name;
  std::string kind;  // see namespace kind
  uint64_t ts = 0;   // start, cycles since the run started
  uint64_t dur = 0;  // cycles
  // Figures measured inside the span (inclusive of nested spans).
  uint64_t cycles = 0;
  uint64_t instructions = 0;
  uint64_t flash_ifetch_bytes = 0;
  uint64_t flash_data_bytes = 0;
  uint64_t sram_peak_bytes = 0;
  uint64_t macs = 0;
  std::optional<uint64_t> self_cycles;  // exclusive cycles (function spans)
  // Well-known arguments, and free ones.
  std::string op;  // operator name, e.g. CONV_2D
  std::optional<int64_t> layer_index;
  std::optional<int64_t> patch_row;
  std::optional<int64_t> patch_col;
  std::vector<std::pair<std::string, ArgValue>> args;
};

struct CounterPoint {
  uint64_t ts = 0;
  int64_t value = 0;
};

struct TrackInfo {
  int64_t id = 0;
  std::string name;
  std::string type;             // slice | counter
  std::string unit;             // bytes for the sram.* counters
  uint64_t exact_samples = 0;   // counter samples before downsampling
  uint64_t stored_samples = 0;  // rows in the counter table
};

}  // namespace mcuprof::traces
