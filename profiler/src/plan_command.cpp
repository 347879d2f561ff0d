// `mcuprof plan MODEL.tflite --target NAME [--max-mac-overhead PCT] [--json]`: the
// layer-wise peak SRAM, every patch-based option (split point x grid) with its peak SRAM,
// flash, MAC overhead and whether it fits the board — the figures and the check `run`
// uses (model_fit.hpp) — and the recommended schedule, the one `run --schedule auto` runs.
// docs/patch-based.md explains the figures.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/figures.hpp"
#include "mcuprof/profiler/model_fit.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/targets/target.hpp"
#include "table.hpp"

namespace mcuprof::profiler {
namespace {

namespace cc = mcuprof::compiler;

struct PlanArgs {
  std::string model;
  std::string target;
  std::string runner;
  double max_overhead = 20.0;
  int max_grid = 8;
  bool json = false;
  bool all = false;
  std::string convention = "runtime";
  std::string io = "float";
};

std::string kib(uint64_t bytes) {
  return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024.0);
}

// One schedule: the figures `run --summary` gives for it (same keys, same values), the
// planner's estimate beside them.
nlohmann::json option_json(const ScheduleFigures& o) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& st : o.option.stages)
    stages.push_back({{"first", st.first}, {"split", st.split}, {"grid", st.grid}});
  nlohmann::json j{{"schedule", o.schedule},
                   {"stages", stages},
                   {"split", o.option.patch ? nlohmann::json(o.option.split) : nlohmann::json()},
                   {"grid", o.option.patch ? nlohmann::json(o.option.grid) : nlohmann::json()},
                   {"arena_live_peak_bytes", o.option.estimate.peak_bytes},
                   {"arena_live_peak_bytes_no_input", o.option.estimate.peak_bytes_no_input},
                   {"arena_live_peak_where", o.option.estimate.peak_where},
                   {"macs", o.option.estimate.macs},
                   {"mac_overhead_pct", o.option.estimate.mac_overhead_pct}};
  add_figures(o.figures, j);
  return j;
}

cc::EstimateOptions convention(const std::string& name) {
  cc::EstimateOptions o;
  o.depthwise_in_place = o.residual_in_place = name == "mcunetv2";
  o.planner_in_place = name == "runtime";
  return o;
}

std::string verdict(const Figures& f) {
  if (f.fits()) return "fits";
  if (!f.fits_flash()) return "does NOT fit (flash)";
  return "does NOT fit";
}

int plan(const PlanArgs& a) {
  require_regular_file(a.model, "model");
  const targets::Target target = resolve_target(a.target);
  const ModelBoard board = model_board(
      target, a.runner.empty() ? std::nullopt : std::optional<std::filesystem::path>(a.runner));
  ScheduleChoice choice;
  try {
    const cc::Graph g = cc::import_tflite_file(a.model, {.int8_io = a.io == "int8"});
    choice = choose_schedule(g, board, input_sizes(g),
                             {a.max_overhead, a.max_grid, convention(a.convention)});
  } catch (const cc::ModelError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  }
  const Figures& rec = choice.recommended.figures;
  const std::string name = std::filesystem::path(a.model).filename().string();

  if (a.json) {
    nlohmann::json j;
    j["model"] = a.model;
    j["target"] = target.name;
    j["memory_convention"] = a.convention;
    j["io"] = a.io;
    j["arena_room_bytes"] = arena_room(board);
    j["layerwise"] = option_json(choice.layerwise);
    j["options"] = nlohmann::json::array();
    for (const auto& o : choice.options) j["options"].push_back(option_json(o));
    j["recommended"] = option_json(choice.recommended);
    j["recommended"]["reason"] = choice.reason;
    j["recommended"]["problem"] = fit_problem(rec, name);
    std::cout << j.dump(2) << '\n';
    return exit_code::kOk;
  }

  const Figures& lw = choice.layerwise.figures;
  fmt::print(
      "{} on {}: {} of SRAM, {} of flash; the model runner takes {} of SRAM (static) and "
      "{} of flash, the stack {}\n",
      a.model, target.name, kib(lw.board.sram_bytes), kib(lw.board.flash_bytes),
      format_bytes(lw.sram.static_bytes), kib(lw.flash.firmware_bytes), kib(lw.sram.stack_bytes));
  fmt::print(
      "layer-wise: peak SRAM {} ({:.1f} %: {} {}, kernel scratch {}), flash {} "
      "({:.1f} %), {} MACs — {}\n\n",
      kib(lw.peak_sram_bytes()), lw.sram_pct(), kArenaLabel, kib(lw.sram.arena_bytes),
      kib(lw.sram.kernel_scratch_bytes), kib(lw.flash_bytes()), lw.flash_pct(),
      format_count(choice.layerwise.option.estimate.macs), verdict(lw));
  // The table: by default one row per split point (of the last stage) — the grid with the
  // least peak within the MAC overhead budget, or the cheapest grid when none is within
  // it; --all: every row. The schedule column is what `run --schedule` takes.
  size_t width = 8;
  for (const auto& o : choice.options) width = std::max(width, o.schedule.size());
  fmt::print("{:<{}} {:>12} {:>12} {:>12} {:>10}  {:<5} {}\n", "schedule", width, "peak SRAM",
             "arena", "live peak", "MAC +%", "fits", "live peak in");
  const auto print_row = [&](const ScheduleFigures& o) {
    const auto& e = o.option.estimate;
    const bool over = e.mac_overhead_pct > a.max_overhead;
    fmt::print("{:<{}} {:>12} {:>12} {:>12} {:>10.1f}  {:<5} {}{}\n", o.schedule, width,
               kib(o.figures.peak_sram_bytes()), kib(o.figures.sram.arena_bytes),
               kib(static_cast<uint64_t>(e.peak_bytes)), e.mac_overhead_pct,
               o.figures.fits() ? "yes" : "no", e.peak_where, over ? " (over the MAC budget)" : "");
  };
  const auto& opts = choice.options;
  for (size_t i = 0; i < opts.size();) {
    size_t end = i;
    while (end < opts.size() && opts[end].option.split == opts[i].option.split) ++end;
    if (a.all) {
      for (size_t k = i; k < end; ++k) print_row(opts[k]);
    } else {
      const ScheduleFigures* pick = nullptr;
      for (size_t k = i; k < end; ++k) {
        const auto& o = opts[k];
        if (o.option.estimate.mac_overhead_pct <= a.max_overhead &&
            (pick == nullptr || o.figures.peak_sram_bytes() < pick->figures.peak_sram_bytes()))
          pick = &o;
      }
      if (pick == nullptr)
        for (size_t k = i; k < end; ++k)
          if (pick == nullptr || opts[k].option.estimate.macs < pick->option.estimate.macs)
            pick = &opts[k];
      print_row(*pick);
    }
    i = end;
  }
  const auto& r = choice.recommended;
  fmt::print(
      "\nrecommended: {} — peak SRAM {} ({:.1f} % of SRAM), flash {}, MACs +{:.1f} % ({}) "
      "— {}\n",
      r.schedule, kib(rec.peak_sram_bytes()), rec.sram_pct(), kib(rec.flash_bytes()),
      r.option.estimate.mac_overhead_pct, choice.reason, verdict(rec));
  if (const auto problem = fit_problem(rec, name); !problem.empty()) fmt::print("{}\n", problem);
  return exit_code::kOk;
}

}  // namespace

void add_plan_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<PlanArgs>();
  auto* cmd = app.add_subcommand("plan", "Compare layer-wise and patch-based schedules of a model");
  cmd->add_option("model", a->model, "Model (.tflite)")->required();
  cmd->add_option("--target", a->target, "Board name (see 'mcuprof targets')")->required();
  cmd->add_option("--runner", a->runner,
                  "Model runner ELF to plan for instead of the board's (as `run --runner`)");
  cmd->add_option("--max-mac-overhead", a->max_overhead, "MAC overhead budget in percent")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-grid", a->max_grid, "Largest p of the p x p grids tried")
      ->capture_default_str()
      ->check(CLI::Range(2, 32));
  cmd->add_flag("--all", a->all, "List every (split, grid), not only the best grid per split");
  cmd->add_option("--memory-convention", a->convention,
                  "How in-place ops are counted: 'runtime' (what mcuprof's runtime does) or "
                  "'mcunetv2' (in-place depthwise and residual adds, as TinyEngine and the paper)")
      ->capture_default_str()
      ->check(CLI::IsMember({"runtime", "mcunetv2"}));
  cmd->add_option("--io", a->io,
                  "float (the model's own inputs and outputs) or int8 (as `run --io int8`: "
                  "the boundary QUANTIZE/DEQUANTIZE are not run nor planned)")
      ->capture_default_str()
      ->check(CLI::IsMember({"float", "int8"}));
  cmd->add_flag("--json", a->json, "Machine-readable output");
  commands.push_back({cmd, [a] { return plan(*a); }});
}

}  // namespace mcuprof::profiler
