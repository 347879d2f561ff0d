// The model image of a patch-based schedule: the arena layout (model input, each stage's
// output map, per stage one block for a patch's intermediates, the layer-wise ops'
// tensors with their normal lifetimes, all placed by TFLite Micro's greedy planner) and
// the image's schedule section (per stage its ops and grid; per patch every stage
// tensor's region and buffer offset). Layout:
// mcuprof_model_image.h; docs/runtime.md, "Model image", and docs/patch-based.md.
#pragma once

#include <cstdint>
#include <vector>

#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/compiler/planner.hpp"

namespace mcuprof::compiler {

struct PatchArena {
  ArenaPlan plan;  // whole maps (model input, stage inputs and outputs, layer-wise); -1 else
  // Per stage: the block holding one patch's intermediates and its size (the largest of
  // that stage's patches' planned intermediates).
  std::vector<int64_t> block_offsets;
  std::vector<int64_t> block_bytes;
  // Per patch, all stages' patches in order, per graph tensor: offset of its region buffer
  // inside its stage's block (-1: none).
  std::vector<std::vector<int64_t>> region_offsets;
  std::vector<int32_t> intermediates;  // tensors the stages produce, except their outputs
};

PatchArena plan_patch_arena(const Graph& g, const StagePlan& stage);
PatchArena plan_patch_arena(const Graph& g, const std::vector<StagePlan>& stages);

// The image with a schedule section for `stage` (or `stages`, in op order, checked by
// check_stages). Throws ModelError like write_model_image.
std::vector<uint8_t> write_patch_model_image(const Graph& g, const StagePlan& stage);
std::vector<uint8_t> write_patch_model_image(const Graph& g, const std::vector<StagePlan>& stages);

}  // namespace mcuprof::compiler
