// ComparisonPanel: two runs side by side — the headline figures with deltas on top
// (ComparisonSummaryModel), the per-layer deltas below (LayerDeltaModel). Shows a hint
// when fewer than two runs are selected.
#pragma once

#include <QWidget>
#include <optional>

#include "mcuprof/traces/store.hpp"

class QLabel;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace mcuprof::gui {

class ComparisonSummaryModel;
class LayerDeltaModel;

class ComparisonPanel final : public QWidget {
  Q_OBJECT

 public:
  explicit ComparisonPanel(QWidget* parent = nullptr);
  void set_comparison(const std::optional<traces::RunComparison>& comparison);
  bool has_comparison() const { return has_; }
  const ComparisonSummaryModel& summary() const { return *summary_; }
  // The per-layer deltas as sorted in the view.
  const QSortFilterProxyModel& layers() const { return *sorted_layers_; }

 private:
  QLabel* title_ = nullptr;
  ComparisonSummaryModel* summary_ = nullptr;
  LayerDeltaModel* layers_ = nullptr;
  QSortFilterProxyModel* sorted_layers_ = nullptr;
  QTableView* summary_view_ = nullptr;
  QTableView* layer_view_ = nullptr;
  QSplitter* split_ = nullptr;
  bool has_ = false;
};

}  // namespace mcuprof::gui
