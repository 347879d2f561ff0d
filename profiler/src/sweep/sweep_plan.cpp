// Planning sweep points (sweep_plan.hpp) with model_fit's choose_schedule, cached per
// model and board.
#include "sweep/sweep_plan.hpp"

#include <fmt/format.h>

#include <map>

#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/profiler/figures.hpp"
#include "mcuprof/profiler/model_fit.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof/profiler/run.hpp"

namespace mcuprof::profiler::sweep {
namespace {

namespace cc = mcuprof::compiler;

struct Planned {
  std::optional<ScheduleChoice> choice;
  std::string error;
};

Planned plan_model(const Point& p, bool int8_io) {
  Planned out;
  try {
    const targets::Target target = is_target_file(p.board)
                                       ? resolve_target("", std::filesystem::path(p.board))
                                       : resolve_target(p.board);
    const cc::Graph g = cc::import_tflite_file(p.model, {.int8_io = int8_io});
    out.choice = choose_schedule(g, model_board(target), input_sizes(g));
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

// The schedule `run --schedule` would pick, among the choice's options.
const ScheduleFigures* pick(const ScheduleChoice& c, const Point& p, std::string& error) {
  if (p.schedule == "layer") return &c.layerwise;
  if (p.schedule == "auto") return &c.recommended;
  std::string wanted = p.schedule;
  if (wanted == "patch") {
    try {
      wanted = compile_model(p.model, "patch", nullptr).schedule;
    } catch (const std::exception& e) {
      error = e.what();
      return nullptr;
    }
  }
  for (const auto& o : c.options)
    if (o.schedule == wanted) return &o;
  error = fmt::format("{} is not a patch option the planner can run for this model", wanted);
  return nullptr;
}

}  // namespace

std::vector<PointPlan> plan_points(const std::vector<Point>& points, bool int8_io) {
  std::map<std::pair<std::string, std::string>, Planned> cache;
  std::vector<PointPlan> out;
  for (const auto& p : points) {
    auto key = std::pair{p.model.string(), p.board};
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, plan_model(p, int8_io)).first;
    PointPlan plan;
    plan.schedule = p.schedule;
    const Planned& planned = it->second;
    std::string error = planned.error;
    const ScheduleFigures* s = planned.choice ? pick(*planned.choice, p, error) : nullptr;
    if (s != nullptr) {
      plan.schedule = s->schedule;
      plan.macs = static_cast<uint64_t>(s->option.estimate.macs);
      plan.peak_sram_bytes = s->figures.peak_sram_bytes();
      plan.flash_bytes = s->figures.flash_bytes();
      plan.clock_hz = s->figures.board.clock_hz;
      plan.fits = s->figures.fits();
      plan.reason = fit_problem(s->figures, p.name);
    } else {
      plan.reason = error;
    }
    out.push_back(std::move(plan));
  }
  return out;
}

}  // namespace mcuprof::profiler::sweep
