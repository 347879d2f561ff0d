// TableTabs: the tables under the chart — the layer table, the patch table (patch-based
// runs), the comparison panel (two runs) and the Functions tab (call tree and flame graph
// of a run stored with --function-cycles) as tabs, with a bar that says when the
// tables are filtered to a time range selected on the chart and a button to show all.
// Selecting a layer or patch reports its span so the chart can highlight it.
#pragma once

#include <QWidget>
#include <optional>
#include <utility>

#include "filter_text.hpp"
#include "span_intervals.hpp"
#include "trace_loading.hpp"

class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;

namespace mcuprof::gui {

class ComparisonPanel;
class FunctionsTab;
class SweepTab;
class LayerTableModel;
class PatchTableModel;
class SpanRangeProxy;

class TableTabs final : public QWidget {
  Q_OBJECT

 public:
  enum Tab { Layers, Patches, Comparison, Functions, Sweep };

  explicit TableTabs(QWidget* parent = nullptr);
  // Fills the tables from a loaded selection (clears any time filter).
  void show_selection(const SelectionSnapshot& selection);
  // Filters the layer and patch tables to spans overlapping [lo, hi) cycles; nullopt
  // shows every row. `axis` is the range as selected on the chart, for the bar's text
  // (in the chart's unit).
  void set_range(std::optional<std::pair<uint64_t, uint64_t>> range,
                 std::optional<AxisRange> axis = std::nullopt);
  // Selects the layer with this index in the layer table (a click on the chart's band).
  void select_layer(int64_t layer_index);
  void show_tab(Tab tab);

  QString layers_csv() const;
  QString patches_csv() const;
  QString comparison_csv() const;
  bool has_patches() const;
  bool has_comparison() const;
  FunctionsTab* functions() const { return functions_; }
  SweepTab* sweep() const { return sweep_; }
  Tab current_tab() const;

 signals:
  // The span of the selected layer or patch (nullopt: nothing selected).
  void spanHighlighted(std::optional<CycleInterval> span);
  // The user asked to drop the time filter ("Show all").
  void resetFilterRequested();

 private:
  void highlight_from(QTableView* view, SpanRangeProxy* proxy);
  void update_filter_bar();

  LayerTableModel* layers_ = nullptr;
  SpanRangeProxy* layer_proxy_ = nullptr;
  QTableView* layer_view_ = nullptr;
  PatchTableModel* patches_ = nullptr;
  SpanRangeProxy* patch_proxy_ = nullptr;
  QTableView* patch_view_ = nullptr;
  ComparisonPanel* comparison_ = nullptr;
  FunctionsTab* functions_ = nullptr;
  SweepTab* sweep_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QWidget* filter_bar_ = nullptr;
  QLabel* filter_text_ = nullptr;
  std::optional<AxisRange> axis_range_;
};

}  // namespace mcuprof::gui
