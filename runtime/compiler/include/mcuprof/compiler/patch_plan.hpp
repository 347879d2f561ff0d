// Patch-based schedule planning (MCUNetV2): for a stage (ops [first, split), first = 0
// unless the schedule has several stages) and a p x p grid over the stage's output map,
// the region every tensor of the stage needs in every patch, the border-only zero
// padding of every op in every patch, the per-patch buffer plan, MACs with halo
// recomputation, and the peak SRAM of the whole schedule (one stage or a chain of stages
// with layer-wise ops between them, e.g. a squeeze-excite block's MEAN and 1x1 convs).
// docs/patch-based.md explains the method and the accounting.
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
  int32_t first = 0;  // ops [first, split) are the stage
  int32_t split = 0;
  int32_t grid = 0;                // p: p x p patches
  int32_t output_tensor = -1;      // the stage output map the rest of the network consumes
  std::vector<Patch> patches;      // row-major
  int64_t patch_buffer_bytes = 0;  // max over patches (planned)
  int64_t patch_live_bytes = 0;    // max over patches (sum of live intermediates)
  int64_t stage_macs_layerwise = 0;
  int64_t stage_macs_patch = 0;
};

// Whether op `op` can be part of a stage (its kind and output; not its neighbours).
bool tileable(const Graph& g, int32_t op);

// Plans the stage. Throws ModelError naming the layer and the reason when (split,
// grid) is invalid: an op the patch executor cannot tile (fully connected, global
// pooling, reshape, transpose, softmax...), a tensor crossing the stage boundary other
// than the single stage output, a grid larger than the map.
StagePlan plan_stage(const Graph& g, int32_t split, int32_t grid,
                     const EstimateOptions& options = {});
// A stage over ops [first, split): its non-constant inputs are produced before `first`
// (whole maps in the arena: the model input, an earlier stage's output, a layer-wise
// op's output such as a squeeze-excite scale) or inside the stage.
StagePlan plan_stage(const Graph& g, int32_t first, int32_t split, int32_t grid,
                     const EstimateOptions& options);

// A patch schedule: one or more stages in op order, not overlapping; the ops outside
// them run layer by layer. Checks what plan_stage cannot see alone: a later stage may
// read only whole maps (no earlier stage's per-patch intermediates). Throws ModelError.
void check_stages(const Graph& g, const std::vector<StagePlan>& stages);

// Whole-schedule figures for a stage plan (or layer-wise when `stage` is empty).
struct ScheduleEstimate {
  int64_t arena_bytes = 0;          // planned arena the firmware reserves
  int64_t peak_bytes = 0;           // largest sum of live activations, model input included
  int64_t peak_bytes_no_input = 0;  // the same without the model input (MCUNetV2's convention)
  std::string peak_where;           // "patch stage" (or "patch stage 2"...) or a layer
  int64_t macs = 0;
  double mac_overhead_pct = 0.0;  // relative to layer-wise MACs
  // The arena estimate by phase (arena_bytes is the largest): per stage, the maps live
  // during it + one patch's block; the layer-wise ops before, between and after stages.
  std::vector<int64_t> stage_arena_bytes;
  int64_t layerwise_arena_bytes = 0;
};

ScheduleEstimate estimate_schedule(const Graph& g, const std::optional<StagePlan>& stage,
                                   const EstimateOptions& options = {});
// The same for a schedule of several stages (none: layer-wise).
ScheduleEstimate estimate_schedule(const Graph& g, const std::vector<StagePlan>& stages,
                                   const EstimateOptions& options = {});

}  // namespace mcuprof::compiler

namespace mcuprof::compiler {

// One stage of a schedule as the user names it: ops [first, split), grid x grid patches.
struct StageSpec {
  int32_t first = 0;
  int32_t split = 0;
  int32_t grid = 0;
  friend bool operator==(const StageSpec&, const StageSpec&) = default;
};

// "patch:PxP@N" for one stage from op 0; stages joined by '+', a stage that does not
// start at op 0 as "PxP@A-B" (ops [A, B)): "patch:4x4@2+4x4@5-9" (docs/cli.md).
std::string schedule_string(const std::vector<StageSpec>& stages);
// The inverse; std::nullopt when `text` is not of that form (P x P with the same P,
// P >= 1, 0 <= A < B, stages in op order and not overlapping).
std::optional<std::vector<StageSpec>> parse_schedule_string(const std::string& text);
// plan_stage for every stage, then check_stages.
std::vector<StagePlan> plan_stages(const Graph& g, const std::vector<StageSpec>& stages,
                                   const EstimateOptions& options = {});

// One schedule the search considered.
struct ScheduleOption {
  bool patch = false;             // false: layer by layer
  int32_t split = 0;              // the last stage's split: the rest runs layer by layer from here
  int32_t grid = 0;               // the last stage's grid
  std::vector<StageSpec> stages;  // every stage (one unless squeeze-excite blocks end some)
  ScheduleEstimate estimate;
  bool fits = false;  // arena_bytes <= the budget given to the search
};

struct ScheduleSearch {
  ScheduleOption layerwise;
  std::vector<ScheduleOption> options;  // every valid (split, grid), split then grid order
  ScheduleOption recommended;
  std::string reason;  // why the recommendation was chosen
};

// Tries every split point the patch executor can tile with grids 2..max_grid — beyond an
// op that mixes the whole map (a squeeze-excite MEAN), as a chain of stages: each earlier
// stage ends where it must, its grid the cheapest in MACs that does not raise the peak,
// the ops up to the next tileable op run layer by layer, the last stage ends at the
// split point — and recommends: layer-wise if it fits `arena_budget_bytes`; otherwise the option
// with the least arena within `max_mac_overhead_pct` (fitting options first); otherwise the least
// arena of all.
ScheduleSearch search_schedules(const Graph& g, int64_t arena_budget_bytes,
                                double max_mac_overhead_pct, int32_t max_grid = 8,
                                const EstimateOptions& options = {});

}  // namespace mcuprof::compiler
