// Stores a finished run in the trace database: its summary, the spans the firmware's
// events produced (run, stage, layer, patch, layer-in-patch, region), the SRAM counters
// (static, planned arena, total) and the console text — in one transaction through
// traces::RunWriter.
#pragma once

#include <cstdint>
#include <vector>

#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/targets/target.hpp"
#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"
#include "memory_observation.hpp"

namespace mcuprof::profiler {

// One sample of the main stack's depth below the initial SP.
struct StackSample {
  uint64_t cycle = 0;
  uint64_t bytes = 0;
};

// The highest value of a step series (cycle-ordered samples) inside [begin, end]: the
// value in force at `begin` and every sample up to `end`. Range maxima through a sparse
// table, so thousands of spans over a long series stay cheap. Keeps a reference to
// `series`.
class SeriesPeaks {
 public:
  explicit SeriesPeaks(const std::vector<StackSample>& series);
  uint64_t peak(uint64_t begin, uint64_t end) const;

 private:
  const std::vector<StackSample>& series_;
  std::vector<std::vector<uint64_t>> table_;
};

// The run's SRAM over time — static + planned arena + stack — computed once and read by
// both the stored run and the summary: the total as one step series, the highest total
// inside every span of the attribution (same order: its value when the span begins and
// every sample up to its end) and the run's peak.
struct SramTimeline {
  uint64_t static_bytes = 0;
  std::vector<StackSample> total;
  std::vector<uint64_t> span_peaks;
  uint64_t peak_bytes = 0;        // the highest total ...
  uint64_t peak_cycle = 0;        // ... first reached here
  uint64_t stack_peak_bytes = 0;  // the deepest stack sample
};

SramTimeline sram_timeline(const Attribution& attribution, const std::vector<StackSample>& stack,
                           uint64_t static_bytes);

// The one definition of static SRAM: the bytes of the image's segments whose run-time
// addresses (VMA) lie in the board's RAM memories (SRAM, TCM) — .data, .bss and any
// other section placed there —, whatever the segments' flags (a writable segment in
// flash, e.g. one holding .init_array, is not SRAM), less the arena where it lies inside
// them (it is counted on its own track).
uint64_t static_sram_bytes(const sim::ElfImage& image, const targets::Target& target,
                           const Attribution& attribution);

// A layer span's op name: its label (a layer from a call) or its op code's name.
std::string layer_op_name(const Span& layer);

// Stores the run. `extra_spans` go on their own tracks (e.g. the "functions" track).
// With `observed` (--observe-memory), also the sram.observed counter (downsampled to at
// most kObservedPoints samples, peak kept) and one zero-length span per out-of-bounds
// write site on the memory.oob track (docs/trace-schema.md).
inline constexpr size_t kObservedPoints = 16384;
inline constexpr const char* kOobTrack = "memory.oob";
inline constexpr const char* kOobKind = "oob-write";
int64_t record_run(traces::TraceStore& store, traces::RunRecord record,
                   std::vector<traces::ConsoleChunk> console, const Attribution& attribution,
                   const std::vector<StackSample>& stack, const SramTimeline& sram,
                   std::vector<traces::Span> extra_spans = {},
                   const MemoryObservationResult* observed = nullptr);

}  // namespace mcuprof::profiler
