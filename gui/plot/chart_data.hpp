// Plain input structures of the memory chart (one ChartRun per run), independent of the
// trace store so any reader can fill them, plus small helpers over step series.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mcuprof::plot {

// One sample of a step series: `bytes` holds from `cycle` until the next sample's cycle
// (the last sample holds until the run's end). Several samples may share a cycle; each is
// a value the counter really had, so decimation keeps them.
struct StepPoint {
  uint64_t cycle = 0;
  int64_t bytes = 0;
};
using StepSeries = std::vector<StepPoint>;  // sorted by cycle (non-decreasing)

// A layer span for the band under the axis; `op` picks the colour (e.g. "CONV_2D").
struct LayerSpan {
  std::string name;
  std::string op;
  uint64_t begin = 0;
  uint64_t end = 0;  // exclusive
  int index = 0;     // layer index in the model
};

// A patch of a patch-based stage (drawn striped over the layers it contains).
struct PatchSpan {
  int row = 0;
  int col = 0;
  uint64_t begin = 0;
  uint64_t end = 0;  // exclusive
};

struct PeakInfo {
  uint64_t cycle = 0;
  int64_t bytes = 0;
  std::string where;  // e.g. the layer's name
};

// The start-up of a run: what ran from reset to the inference start (time 0), e.g. the
// model runner's image check and input copy. Its SRAM total is kept with cycles counted
// from reset (0 .. cycles), to be drawn before 0 (at cycle - cycles), labelled `label`.
struct StartUpPhase {
  std::string label = "start-up";
  uint64_t cycles = 0;     // reset -> inference start
  int64_t peak_bytes = 0;  // highest total during it
  StepSeries total;        // cycles from reset
};

// Everything the chart draws for one run. Cycles count from the inference start (the
// firmware's RUN_BEGIN marker; the run's start without one): chart_run_from_trace shifts
// the stored times, so every run lines up at its inference start.
struct ChartRun {
  std::string name;               // legend text, e.g. "vww · layer-wise"
  uint64_t clock_hz = 0;          // for the milliseconds axis; 0 = unknown
  uint64_t end_cycle = 0;         // run length; 0 = derive from the data
  uint64_t sram_limit_bytes = 0;  // target SRAM size; 0 = not drawn
  std::string board;              // names the SRAM line when runs have different limits
  StepSeries static_bytes;
  StepSeries arena;
  StepSeries stack;
  StepSeries total;  // empty = static + arena + stack
  // Bytes written and later read (`mcuprof run --observe-memory`); empty = not observed.
  // Drawn as a dotted line over the planned view.
  StepSeries observed;
  std::vector<LayerSpan> layers;
  std::vector<PatchSpan> patches;
  std::optional<PeakInfo> peak;  // empty = computed from total
  // Before time 0; empty when the inference starts at reset (no markers). When the run's
  // SRAM peak lies in the start-up, `peak` is left empty (computed over what is shown)
  // and startup->peak_bytes holds it.
  std::optional<StartUpPhase> startup;
};

// Components of a run's memory, bottom to top when stacked.
enum class Component { Static, Arena, Stack, Total };

// The value of `series` at `cycle` (the last sample at or before it), or nullopt before
// the first sample.
std::optional<int64_t> value_at(std::span<const StepPoint> series, uint64_t cycle);

// The pointwise sum of step series (a missing series counts as 0 before its first sample).
StepSeries sum_series(std::span<const StepSeries* const> parts);

// The highest value of `series` (the first sample reaching it), or nullopt if empty.
std::optional<StepPoint> series_max(std::span<const StepPoint> series);

// The layer running at `cycle` (layers sorted by begin), or nullptr.
const LayerSpan* layer_at(std::span<const LayerSpan> layers, uint64_t cycle);
const PatchSpan* patch_at(std::span<const PatchSpan> patches, uint64_t cycle);

// Where `cycle` falls among the layers (sorted by begin): the running layer's name, else
// "before NAME" (the next layer: e.g. its output buffer is allocated before it starts),
// else "after NAME" (the last layer); empty without layers.
std::string layer_place(std::span<const LayerSpan> layers, uint64_t cycle);

// Fills in what the caller left out: sorts spans, derives end_cycle, total and peak
// (peak.where = the layer running at the peak, with its patch if any; layer_place() when
// no layer runs then or the given peak has no place).
void complete_run(ChartRun& run);

}  // namespace mcuprof::plot
