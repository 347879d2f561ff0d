// `mcuprof plan MODEL.tflite --target NAME [--max-mac-overhead PCT] [--json]`: the
// layer-wise SRAM peak and where it happens, every patch-based option (split point x
// grid) with its peak, MAC overhead and whether it fits the board, and the recommended
// schedule. docs/patch-based.md explains the figures.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::profiler {
namespace {

namespace cc = mcuprof::compiler;

// SRAM the runtime's own code needs besides the arena and the stack: the runner's
// .data/.bss (a few hundred bytes today), rounded up generously.
constexpr int64_t kRunnerStaticAllowance = 4096;

struct PlanArgs {
  std::string model;
  std::string target;
  double max_overhead = 20.0;
  int max_grid = 8;
  bool json = false;
  bool all = false;
  std::string convention = "runtime";
};

std::string kib(int64_t bytes) {
  return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024.0);
}

std::string schedule_name(const cc::ScheduleOption& o) {
  return o.patch ? fmt::format("patch:{}x{}@{}", o.grid, o.grid, o.split) : "layer";
}

nlohmann::json option_json(const cc::ScheduleOption& o) {
  return {{"schedule", schedule_name(o)},
          {"split", o.patch ? nlohmann::json(o.split) : nlohmann::json()},
          {"grid", o.patch ? nlohmann::json(o.grid) : nlohmann::json()},
          {"peak_bytes", o.estimate.arena_bytes},
          {"peak_live_bytes", o.estimate.peak_bytes},
          {"peak_live_bytes_no_input", o.estimate.peak_bytes_no_input},
          {"peak_where", o.estimate.peak_where},
          {"macs", o.estimate.macs},
          {"mac_overhead_pct", o.estimate.mac_overhead_pct},
          {"fits", o.fits}};
}

cc::EstimateOptions convention(const std::string& name) {
  cc::EstimateOptions o;
  o.depthwise_in_place = o.residual_in_place = name == "mcunetv2";
  return o;
}

int plan(const PlanArgs& a) {
  if (!std::filesystem::exists(a.model))
    throw CommandError(exit_code::kNoInput, fmt::format("model '{}' does not exist", a.model));
  const targets::Target target = resolve_target(a.target);
  const int64_t budget = int64_t{target.data().size} - target.stack_bytes - kRunnerStaticAllowance;
  cc::ScheduleSearch search;
  try {
    const cc::Graph g = cc::import_tflite_file(a.model);
    search = cc::search_schedules(g, budget, a.max_overhead, a.max_grid, convention(a.convention));
  } catch (const cc::ModelError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  }

  if (a.json) {
    nlohmann::json j;
    j["model"] = a.model;
    j["target"] = target.name;
    j["arena_budget_bytes"] = budget;
    j["memory_convention"] = a.convention;
    j["layerwise_peak_bytes"] = search.layerwise.estimate.arena_bytes;
    j["layerwise"] = option_json(search.layerwise);
    j["options"] = nlohmann::json::array();
    for (const auto& o : search.options) j["options"].push_back(option_json(o));
    j["recommended"] = option_json(search.recommended);
    j["recommended"]["reason"] = search.reason;
    std::cout << j.dump(2) << '\n';
    return exit_code::kOk;
  }

  const auto& lw = search.layerwise.estimate;
  fmt::print("{} on {} ({} of SRAM for the arena after {} stack and {} runtime)\n", a.model,
             target.name, kib(budget), kib(target.stack_bytes), kib(kRunnerStaticAllowance));
  fmt::print("layer-wise: arena {} ({} live at the peak, in {}), {} MACs — {}\n\n",
             kib(lw.arena_bytes), kib(lw.peak_bytes), lw.peak_where, lw.macs,
             search.layerwise.fits ? "fits" : "does NOT fit");
  // The table: by default one row per split point — the grid with the least arena within
  // the MAC overhead budget, or the cheapest grid when none is within it; --all: every row.
  fmt::print("{:>6} {:>6} {:>12} {:>12} {:>10}  {:<5} {}\n", "split", "grid", "arena", "live peak",
             "MAC +%", "fits", "peak in");
  const auto print_row = [&](const cc::ScheduleOption& o) {
    const bool over = o.estimate.mac_overhead_pct > a.max_overhead;
    fmt::print("{:>6} {:>4}x{:<1} {:>12} {:>12} {:>10.1f}  {:<5} {}{}\n", o.split, o.grid, o.grid,
               kib(o.estimate.arena_bytes), kib(o.estimate.peak_bytes), o.estimate.mac_overhead_pct,
               o.fits ? "yes" : "no", o.estimate.peak_where, over ? " (over the MAC budget)" : "");
  };
  for (size_t i = 0; i < search.options.size();) {
    size_t end = i;
    while (end < search.options.size() && search.options[end].split == search.options[i].split)
      ++end;
    if (a.all) {
      for (size_t k = i; k < end; ++k) print_row(search.options[k]);
    } else {
      const cc::ScheduleOption* pick = nullptr;
      for (size_t k = i; k < end; ++k) {
        const auto& o = search.options[k];
        if (o.estimate.mac_overhead_pct <= a.max_overhead &&
            (pick == nullptr || o.estimate.arena_bytes < pick->estimate.arena_bytes))
          pick = &o;
      }
      if (pick == nullptr)
        for (size_t k = i; k < end; ++k)
          if (pick == nullptr || search.options[k].estimate.macs < pick->estimate.macs)
            pick = &search.options[k];
      print_row(*pick);
    }
    i = end;
  }
  const auto& r = search.recommended;
  fmt::print("\nrecommended: {} — arena {}, MACs +{:.1f} % ({})\n", schedule_name(r),
             kib(r.estimate.arena_bytes), r.estimate.mac_overhead_pct, search.reason);
  return exit_code::kOk;
}

}  // namespace

void add_plan_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<PlanArgs>();
  auto* cmd = app.add_subcommand("plan", "Compare layer-wise and patch-based schedules of a model");
  cmd->add_option("model", a->model, "Model (.tflite)")->required();
  cmd->add_option("--target", a->target, "Board name (see 'mcuprof targets')")->required();
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
  cmd->add_flag("--json", a->json, "Machine-readable output");
  commands.push_back({cmd, [a] { return plan(*a); }});
}

}  // namespace mcuprof::profiler
