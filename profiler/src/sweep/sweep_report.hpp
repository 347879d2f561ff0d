// `mcuprof sweep report OUT.db`: per board, every run of the sweep database with latency,
// peak SRAM, flash, MACs, fits and whether it is on the Pareto front; the failed points
// with their reasons. Text, Markdown, CSV and JSON (the keys of `report`).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "mcuprof/traces/records.hpp"
#include "table.hpp"

namespace mcuprof::traces {
class TraceStore;
}

namespace mcuprof::profiler::sweep {

// The runs of one board, and which are on its front (runs that ended well, by peak SRAM
// and latency; pareto.hpp).
struct BoardRuns {
  std::string target;
  std::vector<traces::RunRecord> runs;
  std::vector<bool> front;
};

// Complete runs grouped by board (in order of first appearance), each board's front.
std::vector<BoardRuns> runs_by_board(const std::vector<traces::RunRecord>& runs);

// Whether a run ended well (exited with status 0): only those can be on a front.
bool ended_well(const traces::RunRecord& run);

void print_sweep_report(const traces::TraceStore& store, const std::string& format,
                        const std::string& board, std::ostream& out);

}  // namespace mcuprof::profiler::sweep
