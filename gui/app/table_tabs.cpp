// The layer / patch / comparison / functions tabs (see table_tabs.hpp).
#include "table_tabs.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "comparison_panel.hpp"
#include "comparison_summary_model.hpp"
#include "csv_export.hpp"
#include "functions_tab.hpp"
#include "layer_table_model.hpp"
#include "patch_table_model.hpp"
#include "span_range_proxy.hpp"
#include "sweep_tab.hpp"

namespace mcuprof::gui {
namespace {

QTableView* make_table(QWidget* parent, QAbstractItemModel* model) {
  auto* t = new QTableView(parent);
  t->setModel(model);
  t->setSortingEnabled(true);
  t->sortByColumn(-1, Qt::AscendingOrder);  // model order until a header is clicked
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->setSelectionMode(QAbstractItemView::SingleSelection);
  t->horizontalHeader()->setStretchLastSection(true);
  t->verticalHeader()->hide();
  t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
  return t;
}

}  // namespace

TableTabs::TableTabs(QWidget* parent) : QWidget(parent) {
  layers_ = new LayerTableModel(this);
  layer_proxy_ = new SpanRangeProxy(this);
  layer_proxy_->setSourceModel(layers_);
  layer_view_ = make_table(this, layer_proxy_);
  patches_ = new PatchTableModel(this);
  patch_proxy_ = new SpanRangeProxy(this);
  patch_proxy_->setSourceModel(patches_);
  patch_view_ = make_table(this, patch_proxy_);
  comparison_ = new ComparisonPanel(this);
  functions_ = new FunctionsTab(this);
  layer_view_->setObjectName(QStringLiteral("layers"));  // for tests
  patch_view_->setObjectName(QStringLiteral("patches"));

  tabs_ = new QTabWidget(this);
  tabs_->addTab(layer_view_, tr("Layers"));
  tabs_->addTab(patch_view_, tr("Patches"));
  tabs_->addTab(comparison_, tr("Comparison"));
  tabs_->addTab(functions_, tr("Functions"));
  sweep_ = new SweepTab(this);
  tabs_->addTab(sweep_, tr("Sweep"));
  tabs_->setTabToolTip(Functions, tr("The first run's calling-context tree and flame graph "
                                     "(runs stored with --function-cycles)"));

  filter_bar_ = new QWidget(this);
  filter_text_ = new QLabel(filter_bar_);
  filter_text_->setObjectName(QStringLiteral("filterText"));  // for tests
  filter_text_->setWordWrap(true);
  filter_text_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  auto* show_all = new QPushButton(tr("Show all"), filter_bar_);
  show_all->setToolTip(tr("Drop the time filter (Escape on the chart does the same)"));
  auto* bar = new QHBoxLayout(filter_bar_);
  bar->setContentsMargins(4, 2, 4, 2);
  bar->addWidget(filter_text_, 1);
  bar->addWidget(show_all);
  filter_bar_->hide();
  connect(show_all, &QPushButton::clicked, this, &TableTabs::resetFilterRequested);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(filter_bar_);
  layout->addWidget(tabs_, 1);

  connect(layer_view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this] { highlight_from(layer_view_, layer_proxy_); });
  connect(patch_view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this] { highlight_from(patch_view_, patch_proxy_); });
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int tab) {
    if (tab == Layers)
      highlight_from(layer_view_, layer_proxy_);
    else if (tab == Patches)
      highlight_from(patch_view_, patch_proxy_);
    else
      emit spanHighlighted(std::nullopt);
  });
}

void TableTabs::show_selection(const SelectionSnapshot& selection) {
  layer_proxy_->set_range(std::nullopt);
  patch_proxy_->set_range(std::nullopt);
  layers_->set_layers(selection.layers);
  layer_proxy_->set_row_intervals(selection.layer_spans);
  patches_->set_patches(selection.patches);
  patch_proxy_->set_row_intervals(selection.patch_spans);
  comparison_->set_comparison(selection.comparison);
  functions_->set_tree(selection.table_run != 0 ? selection.functions : nullptr);
  tabs_->setTabEnabled(Patches, !selection.patches.empty());
  tabs_->setTabText(Patches, selection.patches.empty()
                                 ? tr("Patches")
                                 : tr("Patches (%1)").arg(selection.patches.size()));
  tabs_->setTabEnabled(Comparison, selection.comparison.has_value());
  if (!tabs_->isTabEnabled(tabs_->currentIndex())) tabs_->setCurrentIndex(Layers);
  layer_view_->resizeColumnsToContents();
  patch_view_->resizeColumnsToContents();
  update_filter_bar();
}

void TableTabs::set_range(std::optional<std::pair<uint64_t, uint64_t>> range,
                          std::optional<AxisRange> axis) {
  axis_range_ = range ? axis : std::nullopt;
  layer_proxy_->set_range(range);
  patch_proxy_->set_range(range);
  update_filter_bar();
}

void TableTabs::update_filter_bar() {
  const auto& range = layer_proxy_->range();
  filter_bar_->setVisible(range.has_value());
  if (!range) return;
  filter_text_->setText(filter_bar_text(axis_range_, *range,
                                        {layer_proxy_->rowCount(), layers_->rowCount(),
                                         patch_proxy_->rowCount(), patches_->rowCount()}));
}

void TableTabs::highlight_from(QTableView* view, SpanRangeProxy* proxy) {
  const QModelIndex current = view->selectionModel()->currentIndex();
  if (!current.isValid()) {
    emit spanHighlighted(std::nullopt);
    return;
  }
  const auto& spans = proxy->intervals_of(proxy->mapToSource(current).row());
  if (spans.empty())
    emit spanHighlighted(std::nullopt);
  else
    emit spanHighlighted(spans.front());
}

void TableTabs::select_layer(int64_t layer_index) {
  for (int row = 0; row < layer_proxy_->rowCount(); ++row) {
    const auto* layer =
        layers_->layer_at(layer_proxy_->mapToSource(layer_proxy_->index(row, 0)).row());
    if (layer != nullptr && layer->layer_index == layer_index) {
      tabs_->setCurrentIndex(Layers);
      layer_view_->selectRow(row);
      layer_view_->scrollTo(layer_proxy_->index(row, 0));
      return;
    }
  }
}

void TableTabs::show_tab(Tab tab) {
  if (tabs_->isTabEnabled(tab)) tabs_->setCurrentIndex(tab);
}

QString TableTabs::layers_csv() const {
  return table_to_csv(*layer_proxy_);
}

QString TableTabs::patches_csv() const {
  return table_to_csv(*patch_proxy_);
}

QString TableTabs::comparison_csv() const {
  return table_to_csv(comparison_->summary()) + QStringLiteral("\r\n") +
         table_to_csv(comparison_->layers());
}

bool TableTabs::has_patches() const {
  return patches_->rowCount() > 0;
}

TableTabs::Tab TableTabs::current_tab() const {
  return static_cast<Tab>(tabs_->currentIndex());
}

bool TableTabs::has_comparison() const {
  return comparison_->has_comparison();
}

}  // namespace mcuprof::gui
