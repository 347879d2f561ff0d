// The comparison panel (see comparison_panel.hpp).
#include "comparison_panel.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "comparison_summary_model.hpp"
#include "layer_delta_model.hpp"

namespace mcuprof::gui {

ComparisonPanel::ComparisonPanel(QWidget* parent) : QWidget(parent) {
  title_ = new QLabel(this);
  // Long run names wrap instead of widening the panel past the window (which pushed the
  // per-layer table's right part out of reach).
  title_->setWordWrap(true);
  title_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  summary_ = new ComparisonSummaryModel(this);
  layers_ = new LayerDeltaModel(this);
  sorted_layers_ = new QSortFilterProxyModel(this);
  sorted_layers_->setSourceModel(layers_);
  sorted_layers_->setSortRole(Qt::UserRole);

  summary_view_ = new QTableView(this);
  summary_view_->setModel(summary_);
  summary_view_->verticalHeader()->hide();
  summary_view_->verticalHeader()->setDefaultSectionSize(summary_view_->fontMetrics().height() + 6);
  summary_view_->horizontalHeader()->setStretchLastSection(true);
  layer_view_ = new QTableView(this);
  layer_view_->setModel(sorted_layers_);
  layer_view_->setSortingEnabled(true);
  layer_view_->sortByColumn(-1, Qt::AscendingOrder);
  layer_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  layer_view_->verticalHeader()->hide();
  layer_view_->verticalHeader()->setDefaultSectionSize(layer_view_->fontMetrics().height() + 6);
  layer_view_->horizontalHeader()->setStretchLastSection(true);
  layer_view_->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
  layer_view_->setTextElideMode(Qt::ElideMiddle);
  layer_view_->setObjectName(QStringLiteral("layerDeltas"));  // for tests

  split_ = new QSplitter(Qt::Horizontal, this);
  split_->addWidget(summary_view_);
  split_->addWidget(layer_view_);
  split_->setStretchFactor(0, 0);
  split_->setStretchFactor(1, 1);
  split_->setSizes({620, 500});
  split_->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(title_);
  layout->addWidget(split_, 1);
  set_comparison(std::nullopt);
}

void ComparisonPanel::set_comparison(const std::optional<traces::RunComparison>& comparison) {
  has_ = comparison.has_value();
  if (!comparison) {
    summary_->clear();
    layers_->set_layers({});
    title_->setText(
        tr("Select two runs (Ctrl-click) to compare them: A is the first, B the second."));
    return;
  }
  summary_->set_runs(comparison->a, comparison->b);
  layers_->set_layers(comparison->layers);
  title_->setText(tr("A = %1 on %2, B = %3 on %4; Δ = B − A")
                      .arg(run_title(comparison->a), QString::fromStdString(comparison->a.target),
                           run_title(comparison->b), QString::fromStdString(comparison->b.target)));
  summary_view_->resizeColumnsToContents();
  layer_view_->resizeColumnsToContents();
  // The headline table as wide as its columns (at most 45 % of the panel); the per-layer
  // table takes the rest; both scroll under their header.
  int summary_w = 2 * summary_view_->frameWidth() + 2;
  for (int c = 0; c < summary_->columnCount(); ++c)
    summary_w += summary_view_->horizontalHeader()->sectionSize(c);
  const int total = split_->width() > 200 ? split_->width() : 1100;
  const int left = std::min(summary_w, total * 45 / 100);
  split_->setSizes({left, total - left});
}

}  // namespace mcuprof::gui
