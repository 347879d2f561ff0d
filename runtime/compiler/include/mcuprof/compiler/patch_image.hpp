// The model image of a patch-based schedule: the arena layout (model input, stage output
// map, one block for a patch's intermediates, the rest of the network with its normal
// lifetimes, all placed by TFLite Micro's greedy planner) and the image's schedule
// section (per patch: every stage tensor's region and buffer offset). Layout:
// mcuprof_model_image.h; docs/runtime.md, "Model image", and docs/patch-based.md.
#pragma once

#include <cstdint>
#include <vector>

#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/compiler/planner.hpp"

namespace mcuprof::compiler {

struct PatchArena {
  ArenaPlan plan;            // full tensors (model input, stage output, rest); -1 otherwise
  int64_t block_offset = 0;  // the block holding one patch's intermediates
  int64_t block_bytes = 0;   // max over patches of their planned intermediates
  // Per patch, per graph tensor: offset of its region buffer inside the block (-1: none).
  std::vector<std::vector<int64_t>> region_offsets;
  std::vector<int32_t> intermediates;  // tensors the stage produces, except its output
};

PatchArena plan_patch_arena(const Graph& g, const StagePlan& stage);

// The image with a schedule section for `stage`. Throws ModelError like write_model_image.
std::vector<uint8_t> write_patch_model_image(const Graph& g, const StagePlan& stage);

}  // namespace mcuprof::compiler
