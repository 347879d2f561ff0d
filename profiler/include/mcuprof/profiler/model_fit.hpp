// The figures (figures.hpp) of a firmware ELF and of a model on the board's model runner,
// and the choice of a model's schedule: `plan` predicts and `run` checks and reports with
// these same functions, so plan's verdict, its recommended schedule and its peak SRAM are
// run's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/compiler/planner.hpp"
#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/profiler/figures.hpp"
#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::profiler {

// Where the model runner expects things, from its linker-script symbols.
struct RunnerLayout {
  uint32_t image_start = 0, image_end = 0;  // flash
  uint32_t arena_start = 0, stack_limit = 0, stack_top = 0;
};
// Throws CommandError (65) when the ELF is not a model runner.
RunnerLayout runner_layout(const sim::ElfImage& elf);

// A board with its model runner: what a model's figures are measured against.
struct ModelBoard {
  targets::Target target;
  std::filesystem::path runner;
  RunnerLayout layout;
  uint64_t static_bytes = 0;  // everything in SRAM below the arena
};
ModelBoard model_board(const targets::Target& target,
                       const std::optional<std::filesystem::path>& runner = std::nullopt);

// Bytes the model image and its inputs take in flash after the runner (each input
// 16-aligned after the image).
uint64_t model_flash_bytes(uint64_t image_bytes, const std::vector<uint64_t>& input_bytes);

// A model's figures on the board: planned arena, arena + kernel scratch (as
// mcuprof_image_arena_needed), image + inputs in flash.
Figures model_figures(const ModelBoard& board, uint64_t planned_arena_bytes,
                      uint64_t arena_needed_bytes, uint64_t model_flash_bytes);

// The same from a model image (its planned arena and kernel scratch) and the model's
// input sizes.
Figures image_figures(const ModelBoard& board, const std::vector<uint8_t>& image,
                      const std::vector<uint64_t>& input_bytes);
// The model's input tensors' sizes, in image order.
std::vector<uint64_t> input_sizes(const compiler::Graph& graph);

// Bytes left for arena + kernel scratch: SRAM less static data and the stack reserve.
int64_t arena_room(const ModelBoard& board);

// A firmware ELF's figures: static SRAM of the image, the arena it announced, the kernel
// scratch it was told about, the stack reserve (__StackTop - __StackLimit, else the deepest
// stack measured), flash = its loadable bytes in code memory.
Figures elf_figures(const targets::Target& target, const sim::ElfImage& image,
                    const Attribution& attribution, uint64_t kernel_scratch_bytes,
                    uint64_t stack_peak_bytes);

// One schedule of a model, with its exact figures (from its own image).
struct ScheduleFigures {
  std::string schedule = "layer";  // "layer" or "patch:PxP@N"
  compiler::ScheduleOption option;
  uint64_t planned_arena_bytes = 0;
  Figures figures;
};

struct ScheduleChoice {
  ScheduleFigures layerwise;
  std::vector<ScheduleFigures> options;  // every valid (split, grid)
  ScheduleFigures recommended;
  std::string reason;
};

struct ChoiceOptions {
  double max_mac_overhead_pct = 20.0;
  int32_t max_grid = 8;
  compiler::EstimateOptions estimate;  // the `runtime` convention
};

// Every schedule of the model with its figures on the board, and the recommendation:
// layer-wise when it fits; else the least peak SRAM within the MAC overhead budget (fewer
// MACs on a tie); else the least peak SRAM of all. `plan` shows it; `run --schedule auto`
// runs it.
ScheduleChoice choose_schedule(const compiler::Graph& graph, const ModelBoard& board,
                               const std::vector<uint64_t>& input_bytes,
                               const ChoiceOptions& options = {});

}  // namespace mcuprof::profiler
