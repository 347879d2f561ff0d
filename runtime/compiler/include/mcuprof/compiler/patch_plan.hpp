// Patch-based schedule planning (MCUNetV2): for a split point n (ops [0, n) form the
// patch stage) and a p x p grid over the stage's output map, the region every tensor
// of the stage needs in every patch, the border-only zero padding of every op in every
// patch, the per-patch buffer plan, MACs with halo recomputation, and the peak SRAM of
// the whole schedule. docs/patch-based.md explains the method and the accounting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/compiler/patch_geometry.hpp"

namespace mcuprof::compiler {

struct Region {
  Interval rows;
  Interval cols;
  bool empty() const { return rows.empty() || cols.empty(); }
  int64_t pixels() const { return int64_t{rows.size()} * cols.size(); }
  friend bool operator==(const Region&, const Region&) = default;
};

// How activation memory is counted in an estimate.
struct EstimateOptions {
  // The runtime's own in-place ops (the memory planner's choice, plan_memory: in-place
  // depthwise convolution, ADD/MUL, RESHAPE, QUANTIZE) in the layer-wise schedule: such an
  // op holds max(input, output) instead of both — what the runtime does and its alloc/free
  // events show (the `runtime` convention of `mcuprof plan`). Not applied when either
  // TinyEngine-style option below is set: those describe another engine.
  bool planner_in_place = true;
  // TinyEngine-style in-place depthwise convolution (output overwrites its input
  // channel by channel) wherever the input dies, patch stage included: the op holds
  // max(input, output) instead of both. MCUNetV2's published figures assume it.
  bool depthwise_in_place = false;
  // A residual ADD fused into the convolution before it, which accumulates onto the
  // block's input buffer (TinyEngine): neither the conv output nor the sum gets a
  // buffer of its own. Also assumed by MCUNetV2's figures; not done by our runtime.
  bool residual_in_place = false;
};

// One op of the stage inside one patch.
struct PatchOp {
  int32_t op = -1;   // index into Graph::ops
  Region out;        // output region computed (in the output tensor's coordinates)
  Pads border_pads;  // zero padding that applies in this patch (image border only)
  int64_t macs = 0;  // MACs of this op over `out`
};

struct Patch {
  int row = 0, column = 0;
  Region out;                   // the patch's share of the stage output map
  std::vector<Region> regions;  // per graph tensor: region held in this patch (empty: none)
  std::vector<PatchOp> ops;     // in execution order
  int64_t buffer_bytes = 0;     // arena the patch's intermediates need (planned)
  int64_t live_bytes = 0;       // largest sum of its intermediates live at one op
};

struct StagePlan {
  int32_t split = 0;               // ops [0, split) are the stage
  int32_t grid = 0;                // p: p x p patches
  int32_t output_tensor = -1;      // the stage output map the rest of the network consumes
  std::vector<Patch> patches;      // row-major
  int64_t patch_buffer_bytes = 0;  // max over patches (planned)
  int64_t patch_live_bytes = 0;    // max over patches (sum of live intermediates)
  int64_t stage_macs_layerwise = 0;
  int64_t stage_macs_patch = 0;
};

// Plans the stage. Throws ModelError naming the layer and the reason when (split,
// grid) is invalid: an op the patch executor cannot tile (fully connected, global
// pooling, reshape, transpose, softmax...), a tensor crossing the stage boundary other
// than the single stage output, a grid larger than the map.
StagePlan plan_stage(const Graph& g, int32_t split, int32_t grid,
                     const EstimateOptions& options = {});

// Whole-schedule figures for a stage plan (or layer-wise when `stage` is empty).
struct ScheduleEstimate {
  int64_t arena_bytes = 0;          // planned arena the firmware reserves
  int64_t peak_bytes = 0;           // largest sum of live activations, model input included
  int64_t peak_bytes_no_input = 0;  // the same without the model input (MCUNetV2's convention)
  std::string peak_where;           // "patch stage" or the layer holding the peak
  int64_t macs = 0;
  double mac_overhead_pct = 0.0;  // relative to layer-wise MACs
};

ScheduleEstimate estimate_schedule(const Graph& g, const std::optional<StagePlan>& stage,
                                   const EstimateOptions& options = {});

}  // namespace mcuprof::compiler

namespace mcuprof::compiler {

// One schedule the search considered.
struct ScheduleOption {
  bool patch = false;  // false: layer by layer
  int32_t split = 0;
  int32_t grid = 0;
  ScheduleEstimate estimate;
  bool fits = false;  // arena_bytes <= the budget given to the search
};

struct ScheduleSearch {
  ScheduleOption layerwise;
  std::vector<ScheduleOption> options;  // every valid (split, grid), split then grid order
  ScheduleOption recommended;
  std::string reason;  // why the recommendation was chosen
};

// Tries every split point the patch executor can tile with grids 2..max_grid, and
// recommends: layer-wise if it fits `arena_budget_bytes`; otherwise the option with
// the least arena within `max_mac_overhead_pct` (fitting options first); otherwise the
// least arena of all.
ScheduleSearch search_schedules(const Graph& g, int64_t arena_budget_bytes,
                                double max_mac_overhead_pct, int32_t max_grid = 8,
                                const EstimateOptions& options = {});

}  // namespace mcuprof::compiler
