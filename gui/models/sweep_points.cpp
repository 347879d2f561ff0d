// Sweep charts from stored runs (sweep_points.hpp).
#include "sweep_points.hpp"

#include <algorithm>

#include "mcuprof/traces/pareto.hpp"

namespace mcuprof::gui {
namespace {

bool ended_well(const traces::RunRecord& r) {
  return r.status == "complete" && r.stop_reason == "exited" && r.exit_code == 0;
}

}  // namespace

std::vector<std::string> sweep_boards(const std::vector<traces::RunRecord>& runs) {
  std::vector<std::string> boards;
  for (const auto& r : runs)
    if (ended_well(r) && std::find(boards.begin(), boards.end(), r.target) == boards.end())
      boards.push_back(r.target);
  return boards;
}

plot::ParetoChart sweep_chart(const std::vector<traces::RunRecord>& runs,
                              const std::string& board) {
  plot::ParetoChart chart;
  std::vector<traces::ParetoInput> in;
  for (const auto& r : runs) {
    if (!ended_well(r) || r.target != board) continue;
    chart.sram_limit_bytes = static_cast<double>(r.sram_bytes);
    chart.flash_limit_bytes = r.flash_size_bytes;
    chart.points.push_back({r.id, static_cast<double>(r.peak_sram_bytes), r.latency_ms(),
                            r.flash_bytes, r.schedule, r.name, false});
    in.push_back({r.peak_sram_bytes, r.latency_ms()});
  }
  const auto front = traces::pareto_front(in);
  for (size_t i = 0; i < front.size(); ++i) chart.points[i].front = front[i];
  chart.title = board + ": latency against peak SRAM (click a point to open its run)";
  return chart;
}

}  // namespace mcuprof::gui
