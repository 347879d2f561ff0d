// Reading the window's data from a trace database (see trace_loading.hpp).
#include "trace_loading.hpp"

#include <algorithm>

#include "mcuprof/targets/target.hpp"
#include "run_labels.hpp"
#include "trace_charts.hpp"

namespace mcuprof::gui {

FunctionTree load_function_tree(const traces::TraceStore& store, const traces::RunRecord& run) {
  const auto tracks = store.tracks(run.id);
  const bool has_track = std::any_of(tracks.begin(), tracks.end(), [](const traces::TrackInfo& t) {
    return t.name == traces::track::kFunctions;
  });
  if (!has_track) return {};
  FunctionTree tree = build_function_tree(
      store.spans(run.id, {traces::track::kFunctions, traces::kind::kFunction}), run.total_cycles);
  tree.has_track = true;
  return tree;
}

RunsSnapshot load_runs(const QString& path) {
  RunsSnapshot out;
  out.path = path;
  try {
    const auto store =
        traces::TraceStore::open(path.toStdString(), traces::TraceStore::Mode::ReadOnly);
    out.runs = store.runs();
  } catch (const std::exception& e) {
    out.error = QString::fromStdString(e.what());
  }
  return out;
}

SelectionSnapshot load_selection(const QString& path, std::vector<int64_t> ids) {
  SelectionSnapshot out;
  out.path = path;
  std::sort(ids.begin(), ids.end());
  out.ids = ids;
  if (ids.empty()) return out;
  try {
    const auto store =
        traces::TraceStore::open(path.toStdString(), traces::TraceStore::Mode::ReadOnly);
    out.ids.clear();  // the runs still in the database
    std::vector<traces::RunRecord> runs;
    for (int64_t id : ids) {
      if (auto run = store.run(id)) {
        out.ids.push_back(id);
        runs.push_back(std::move(*run));
      }
    }
    const std::vector<std::string> labels = plot::distinct_run_labels(runs);
    for (size_t i = 0; i < runs.size(); ++i)
      out.charts.push_back(plot::chart_run_from_trace(
          store, runs[i], targets::catalogue_sram_bytes(runs[i].target), labels[i]));
    if (out.ids.empty()) return out;
    ids = out.ids;
    out.table_run = ids.front();
    out.layers = store.layer_table(out.table_run);
    out.patches = store.patch_table(out.table_run);
    out.layer_spans = layer_intervals(out.layers, out.charts.front().layers);
    out.patch_spans = patch_intervals(out.patches, out.charts.front().patches);
    out.functions = std::make_shared<const FunctionTree>(load_function_tree(store, runs.front()));
    if (ids.size() >= 2) {
      out.comparison = store.compare(ids[0], ids[1]);
      // A peak between two layers has no span around it in the store: name the place the
      // chart found for it ("before CONV_2D 5"), so the panel and the chart agree.
      for (auto [run, chart] : {std::pair{&out.comparison->a, &out.charts[0]},
                                std::pair{&out.comparison->b, &out.charts[1]}})
        if (run->peak_sram_where.empty() && chart->peak) run->peak_sram_where = chart->peak->where;
    }
  } catch (const std::exception& e) {
    out.error = QString::fromStdString(e.what());
  }
  return out;
}

}  // namespace mcuprof::gui
