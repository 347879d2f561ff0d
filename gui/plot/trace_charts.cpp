// Trace database → ChartRun (see trace_charts.hpp).
#include "trace_charts.hpp"

#include "run_labels.hpp"

#include <algorithm>

namespace mcuprof::plot {
namespace {

StepSeries series(const traces::TraceStore& store, int64_t run, const char* track) {
  StepSeries out;
  for (const auto& p : store.counters(run, track)) out.push_back({p.ts, p.value});
  return out;
}

}  // namespace

ChartRun chart_run_from_trace(const traces::TraceStore& store, const traces::RunRecord& run,
                              uint64_t sram_limit_bytes, const std::string& label) {
  ChartRun c;
  c.name = !label.empty() ? label : run_display_name(run);
  c.clock_hz = run.clock_hz;
  c.end_cycle = run.total_cycles;
  c.sram_limit_bytes = sram_limit_bytes;
  c.board = run.target;
  c.static_bytes = series(store, run.id, traces::track::kSramStatic);
  c.arena = series(store, run.id, traces::track::kSramArena);
  c.stack = series(store, run.id, traces::track::kSramStack);
  c.total = series(store, run.id, traces::track::kSramTotal);
  c.observed = series(store, run.id, traces::track::kSramObserved);
  for (const auto& s : store.spans(run.id, {.track = traces::track::kLayers, .kind = ""})) {
    // The run slice covers the whole machine run; total_cycles may be only the
    // firmware's RUN_BEGIN..RUN_END window.
    c.end_cycle = std::max(c.end_cycle, s.ts + s.dur);
    if (s.kind == traces::kind::kLayer || s.kind == traces::kind::kLayerInPatch) {
      c.layers.push_back(
          {s.name, s.op, s.ts, s.ts + s.dur, static_cast<int>(s.layer_index.value_or(-1))});
    } else if (s.kind == traces::kind::kPatch) {
      c.patches.push_back({static_cast<int>(s.patch_row.value_or(0)),
                           static_cast<int>(s.patch_col.value_or(0)), s.ts, s.ts + s.dur});
    }
  }
  if (run.peak_sram_bytes > 0)
    c.peak =
        PeakInfo{run.peak_sram_ts, static_cast<int64_t>(run.peak_sram_bytes), run.peak_sram_where};
  complete_run(c);
  return c;
}

}  // namespace mcuprof::plot
