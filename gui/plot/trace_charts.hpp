// Fills the chart's plain input (ChartRun) from a stored run of the trace database:
// the SRAM counter tracks, the layer and patch spans for the band, the peak. The one
// place where the plot library meets the trace store; used by `mcuprof plot` and the GUI.
// Times are shifted to the run's inference window (traces/window.hpp): 0 is the
// inference start, the start-up before it is ChartRun::startup.
#pragma once

#include <cstdint>
#include <string>

#include "chart_data.hpp"
#include "mcuprof/traces/store.hpp"

namespace mcuprof::plot {

// `sram_limit_bytes` is the target's SRAM size to draw (0: none). `label` names the run
// in the legend (empty: run_display_name(), the run's name or its model's or firmware's
// file name; distinct_run_labels() tells several runs apart).
ChartRun chart_run_from_trace(const traces::TraceStore& store, const traces::RunRecord& run,
                              uint64_t sram_limit_bytes, const std::string& label = {});

}  // namespace mcuprof::plot
