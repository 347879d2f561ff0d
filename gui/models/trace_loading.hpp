// What the window shows, read from a trace database in one go so it can run off the GUI
// thread (QtConcurrent): the run list, and for a set of selected runs their chart data,
// the first run's layer and patch tables with the spans behind each row and its
// calling-context tree, and the comparison of the first two. Each call opens its own
// read-only connection; the results are plain values handed to the GUI thread, which
// alone touches the models.
#pragma once

#include <QString>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "chart_data.hpp"
#include "function_tree.hpp"
#include "mcuprof/traces/store.hpp"
#include "span_intervals.hpp"

namespace mcuprof::gui {

struct RunsSnapshot {
  QString path;
  std::vector<traces::RunRecord> runs;
  QString error;  // empty when the read succeeded
};

struct SelectionSnapshot {
  QString path;
  std::vector<int64_t> ids;  // the selected runs, ascending
  std::vector<plot::ChartRun> charts;
  int64_t table_run = 0;  // the run the layer and patch tables show (0 = none)
  std::vector<traces::LayerRow> layers;
  std::vector<Intervals> layer_spans;  // per layer row
  std::vector<traces::PatchRow> patches;
  std::vector<Intervals> patch_spans;               // per patch row
  std::optional<traces::RunComparison> comparison;  // runs ids[0] and ids[1]
  // The first run's calling-context tree (has_track false without --function-cycles).
  std::shared_ptr<const FunctionTree> functions = std::make_shared<FunctionTree>();
  QString error;
};

RunsSnapshot load_runs(const QString& path);
SelectionSnapshot load_selection(const QString& path, std::vector<int64_t> ids);
// A run's calling-context tree from its "functions" track (empty, has_track false, when
// the run has none); the % columns' base is the run's inference window (total_cycles).
FunctionTree load_function_tree(const traces::TraceStore& store, const traces::RunRecord& run);

}  // namespace mcuprof::gui
