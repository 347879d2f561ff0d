// Figures of an ELF and of a model on the model runner; the schedule choice (see
// model_fit.hpp).
#include "mcuprof/profiler/model_fit.hpp"

#include <fmt/format.h>

#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/compiler/patch_image.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/sim/error.hpp"
#include "mcuprof_executor.h"
#include "run_summary.hpp"
#include "trace_recording.hpp"

namespace mcuprof::profiler {
namespace {

uint64_t align16(uint64_t v) {
  return (v + 15u) & ~uint64_t{15};
}

uint32_t symbol(const sim::ElfImage& elf, const std::string& name) {
  const auto a = elf.symbol_address(name);
  if (!a)
    throw CommandError(
        exit_code::kDataError,
        fmt::format("{}: not a model runner firmware (it has no symbol {})", elf.origin(), name));
  return *a;
}

ScheduleFigures evaluate(const compiler::Graph& g, const compiler::ArenaPlan& plan,
                         const std::vector<compiler::StagePlan>& stages, const ModelBoard& board,
                         const std::vector<uint64_t>& inputs) {
  ScheduleFigures s;
  const auto image = stages.empty() ? compiler::write_model_image(g, plan)
                                    : compiler::write_patch_model_image(g, stages);
  if (!stages.empty()) {
    std::vector<compiler::StageSpec> specs;
    for (const auto& st : stages) specs.push_back({st.first, st.split, st.grid});
    s.schedule = compiler::schedule_string(specs);
  }
  s.figures = image_figures(board, image, inputs);
  s.planned_arena_bytes = s.figures.sram.arena_bytes;
  return s;
}

// The recommendation's order: less peak SRAM, then fewer MACs.
bool better(const ScheduleFigures& a, const ScheduleFigures& b) {
  if (a.figures.peak_sram_bytes() != b.figures.peak_sram_bytes())
    return a.figures.peak_sram_bytes() < b.figures.peak_sram_bytes();
  return a.option.estimate.macs < b.option.estimate.macs;
}

}  // namespace

RunnerLayout runner_layout(const sim::ElfImage& elf) {
  // Any firmware linked for a board has the layout symbols; a runner also has the executor.
  symbol(elf, "mcuprof_model_open");
  symbol(elf, "mcuprof_model_run");
  RunnerLayout l;
  l.image_start = symbol(elf, "__model_image_start");
  l.image_end = symbol(elf, "__model_image_end");
  l.arena_start = static_cast<uint32_t>(align16(symbol(elf, "__bss_end__")));
  l.stack_limit = symbol(elf, "__StackLimit");
  l.stack_top = symbol(elf, "__StackTop");
  return l;
}

ModelBoard model_board(const targets::Target& target,
                       const std::optional<std::filesystem::path>& runner) {
  ModelBoard b{target, runner ? *runner : find_model_runner(target.name), {}, 0};
  try {
    const auto elf = sim::ElfImage::load(b.runner);
    b.layout = runner_layout(elf);
  } catch (const sim::SimError& e) {
    throw CommandError(sim_error_status(e), e.what());
  }
  // Below the arena: .data, .bss and the arena's 16-byte alignment.
  const uint32_t base = target.data().base;
  b.static_bytes = b.layout.arena_start > base ? b.layout.arena_start - base : 0;
  return b;
}

uint64_t model_flash_bytes(uint64_t image_bytes, const std::vector<uint64_t>& input_bytes) {
  uint64_t n = image_bytes;
  for (const auto in : input_bytes) n = align16(n) + in;
  return n;
}

Figures model_figures(const ModelBoard& board, uint64_t planned_arena_bytes,
                      uint64_t arena_needed_bytes, uint64_t model_flash) {
  Figures f;
  f.board = board_sizes(board.target);
  f.sram.static_bytes = board.static_bytes;
  f.sram.arena_bytes = planned_arena_bytes;
  f.sram.kernel_scratch_bytes =
      arena_needed_bytes > planned_arena_bytes ? arena_needed_bytes - planned_arena_bytes : 0;
  f.sram.stack_bytes = board.layout.stack_top - board.layout.stack_limit;
  const uint32_t flash_base = board.target.code().base;
  f.flash.firmware_bytes =
      board.layout.image_start > flash_base ? board.layout.image_start - flash_base : 0;
  f.flash.model_bytes = model_flash;
  return f;
}

Figures image_figures(const ModelBoard& board, const std::vector<uint8_t>& image,
                      const std::vector<uint64_t>& input_bytes) {
  return model_figures(board, compiler::read_model_image(image).header.arena_size,
                       mcuprof_image_arena_needed(image.data()),
                       model_flash_bytes(image.size(), input_bytes));
}

std::vector<uint64_t> input_sizes(const compiler::Graph& graph) {
  std::vector<uint64_t> sizes;
  for (const auto t : graph.inputs) sizes.push_back(static_cast<uint64_t>(graph.tensor(t).bytes()));
  return sizes;
}

int64_t arena_room(const ModelBoard& board) {
  const Figures empty = model_figures(board, 0, 0, 0);
  return static_cast<int64_t>(empty.board.sram_bytes) -
         static_cast<int64_t>(empty.peak_sram_bytes());
}

Figures elf_figures(const targets::Target& target, const sim::ElfImage& image,
                    const Attribution& attribution, uint64_t kernel_scratch_bytes,
                    uint64_t stack_peak_bytes) {
  Figures f;
  f.board = board_sizes(target);
  f.sram.static_bytes = static_sram_bytes(image, target, attribution);
  f.sram.arena_bytes = attribution.arena_size.value_or(0);
  f.sram.kernel_scratch_bytes = kernel_scratch_bytes;
  const auto limit = image.symbol_address("__StackLimit");
  const auto top = image.symbol_address("__StackTop");
  f.sram.stack_bytes = limit && top && *top > *limit && target.data().contains(*limit)
                           ? *top - *limit
                           : stack_peak_bytes;
  const auto& code = target.code();
  for (const auto& seg : image.segments())
    if (code.contains(seg.load_address)) f.flash.firmware_bytes += seg.bytes.size();
  return f;
}

ScheduleChoice choose_schedule(const compiler::Graph& graph, const ModelBoard& board,
                               const std::vector<uint64_t>& input_bytes,
                               const ChoiceOptions& options) {
  ScheduleChoice c;
  const auto memory = compiler::plan_memory(graph);
  c.layerwise = evaluate(graph, memory.plan, {}, board, input_bytes);
  // The search's own `fits` uses the arena alone: give it the room the kernel scratch and
  // the arena's alignment leave, so it agrees with Figures::fits_sram.
  const int64_t scratch = static_cast<int64_t>(c.layerwise.figures.sram.kernel_scratch_bytes) -
                          static_cast<int64_t>(align16(c.layerwise.planned_arena_bytes) -
                                               c.layerwise.planned_arena_bytes);
  const int64_t budget = (arena_room(board) - scratch) & ~int64_t{15};
  const auto search = compiler::search_schedules(graph, budget, options.max_mac_overhead_pct,
                                                 options.max_grid, options.estimate);
  c.layerwise.option = search.layerwise;
  for (const auto& o : search.options) {
    std::vector<compiler::StagePlan> stages;
    try {
      stages = compiler::plan_stages(graph, o.stages);
    } catch (const compiler::ModelError&) {
      continue;  // valid only under another memory convention
    }
    auto s = evaluate(graph, memory.plan, stages, board, input_bytes);
    s.option = o;
    s.option.fits = s.figures.fits_sram();
    c.options.push_back(std::move(s));
  }
  c.layerwise.option.fits = c.layerwise.figures.fits_sram();
  if (c.layerwise.figures.fits_sram()) {
    c.recommended = c.layerwise;
    c.reason = "the layer-wise schedule already fits; it needs no recomputation";
  } else {
    const ScheduleFigures* best = nullptr;
    for (const auto& o : c.options)
      if (o.option.estimate.mac_overhead_pct <= options.max_mac_overhead_pct &&
          (best == nullptr || better(o, *best)))
        best = &o;
    if (best != nullptr) {
      c.reason = fmt::format("least peak SRAM within the {:g} % MAC overhead budget{}",
                             options.max_mac_overhead_pct,
                             best->figures.fits_sram() ? "" : ", but it still does not fit");
    } else {
      for (const auto& o : c.options)
        if (best == nullptr || better(o, *best)) best = &o;
      c.reason = best != nullptr
                     ? fmt::format(
                           "no option within the {:g} % MAC overhead budget; least peak "
                           "SRAM of all",
                           options.max_mac_overhead_pct)
                     : "no patch-based option is possible for this model";
    }
    c.recommended = best != nullptr ? *best : c.layerwise;
  }
  if (!c.recommended.figures.fits_flash()) c.reason += "; no schedule fits the flash";
  return c;
}

}  // namespace mcuprof::profiler
