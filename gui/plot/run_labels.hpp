// The names runs are shown by in the run list, legends and comparison titles: the run's
// own name (`mcuprof run --name`), else its model's file name, else its firmware's; and,
// for a set of runs shown together, labels that tell them apart (the schedule, then the
// board, then the run id added only where names collide).
#pragma once

#include <string>
#include <vector>

#include "mcuprof/traces/records.hpp"

namespace mcuprof::plot {

// name, else the model's file name, else the firmware's file name.
std::string run_display_name(const traces::RunRecord& run);

// One label per run, in order: run_display_name(), with " · schedule" and then
// " · board" appended where two runs would otherwise read the same, and "#id " in front
// when even that does not separate them.
std::vector<std::string> distinct_run_labels(const std::vector<traces::RunRecord>& runs);

}  // namespace mcuprof::plot
