// Trace database → ChartRun (see trace_charts.hpp).
#include "trace_charts.hpp"

#include "run_labels.hpp"

#include <algorithm>

#include "mcuprof/traces/window.hpp"

namespace mcuprof::plot {
namespace {

// The counter from the inference start on, with times relative to it: the value in
// force at `origin` becomes the sample at 0.
StepSeries series(const traces::TraceStore& store, int64_t run, const char* track,
                  uint64_t origin) {
  const auto points = store.counters(run, track, origin);
  StepSeries out;
  for (size_t i = 0; i < points.size(); ++i) {
    // The sample before `origin` is in force there only if none falls exactly on it.
    if (i == 0 && points[0].ts < origin && points.size() > 1 && points[1].ts == origin) continue;
    out.push_back({std::max(points[i].ts, origin) - origin, points[i].value});
  }
  return out;
}

}  // namespace

ChartRun chart_run_from_trace(const traces::TraceStore& store, const traces::RunRecord& run,
                              uint64_t sram_limit_bytes, const std::string& label) {
  ChartRun c;
  c.name = !label.empty() ? label : run_display_name(run);
  c.clock_hz = run.clock_hz;
  c.sram_limit_bytes = sram_limit_bytes;
  c.board = run.target;
  // Time 0 is the inference start; the run slice covers the whole machine run, so the
  // chart ends at the run's end (the wind-down after RUN_END included).
  const traces::InferenceWindow w = traces::inference_window(store, run);
  const uint64_t origin = w.begin;
  c.end_cycle = w.run_end - origin;
  c.static_bytes = series(store, run.id, traces::track::kSramStatic, origin);
  c.arena = series(store, run.id, traces::track::kSramArena, origin);
  c.stack = series(store, run.id, traces::track::kSramStack, origin);
  c.total = series(store, run.id, traces::track::kSramTotal, origin);
  c.observed = series(store, run.id, traces::track::kSramObserved, origin);
  for (const auto& s : store.spans(run.id, {.track = traces::track::kLayers, .kind = ""})) {
    if (s.ts < origin && s.ts + s.dur <= origin) continue;  // start-up
    const uint64_t b = std::max(s.ts, origin) - origin, e = s.ts + s.dur - origin;
    c.end_cycle = std::max(c.end_cycle, e);
    if (s.kind == traces::kind::kLayer || s.kind == traces::kind::kLayerInPatch) {
      c.layers.push_back({s.name, s.op, b, e, static_cast<int>(s.layer_index.value_or(-1))});
    } else if (s.kind == traces::kind::kPatch) {
      c.patches.push_back({static_cast<int>(s.patch_row.value_or(0)),
                           static_cast<int>(s.patch_col.value_or(0)), b, e});
    }
  }
  if (origin > 0) {
    StartUpPhase startup;
    startup.cycles = origin;
    for (const auto& p : store.counters(run.id, traces::track::kSramTotal, 0, origin)) {
      startup.total.push_back({p.ts, p.value});
      startup.peak_bytes = std::max(startup.peak_bytes, p.value);
    }
    c.startup = std::move(startup);
  }
  // The curve's highest point: SRAM in use (runs stored before schema version 4 kept it
  // as peak_sram_bytes).
  const uint64_t highest =
      run.sram_in_use_peak_bytes > 0 ? run.sram_in_use_peak_bytes : run.peak_sram_bytes;
  if (highest > 0 && run.peak_sram_ts >= origin)
    c.peak =
        PeakInfo{run.peak_sram_ts - origin, static_cast<int64_t>(highest), run.peak_sram_where};
  complete_run(c);
  return c;
}

}  // namespace mcuprof::plot
