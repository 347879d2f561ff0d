// The Sweep tab's data (no widgets): a database's runs grouped by board, each board's
// Pareto chart (gui/plot/pareto_chart.hpp) with the front from traces' pareto_front —
// the same front `mcuprof sweep report` and `plot --pareto` show.
#pragma once

#include <string>
#include <vector>

#include "mcuprof/traces/records.hpp"
#include "pareto_chart.hpp"

namespace mcuprof::gui {

// Boards in order of first appearance; each chart holds the runs that ended well.
std::vector<std::string> sweep_boards(const std::vector<traces::RunRecord>& runs);
plot::ParetoChart sweep_chart(const std::vector<traces::RunRecord>& runs, const std::string& board);

}  // namespace mcuprof::gui
