// The Functions tab: call tree, filter, flame graph and breadcrumb (see functions_tab.hpp).
#include "functions_tab.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

#include "flame_graph_widget.hpp"
#include "function_tree_model.hpp"

namespace mcuprof::gui {
namespace {

constexpr int kBreadcrumbFrames = 5;  // callers named before "…"
constexpr int kExpandDepth = 6;       // the heaviest path is opened this deep

QHBoxLayout* bar_layout() {
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(4, 2, 4, 2);
  return bar;
}

}  // namespace

FunctionsTab::FunctionsTab(QWidget* parent) : QWidget(parent) {
  model_ = new FunctionTreeModel(this);
  proxy_ = new FunctionFilterProxy(this);
  proxy_->setSourceModel(model_);

  hint_ = new QLabel(this);
  hint_->setObjectName(QStringLiteral("functionsHint"));
  hint_->setAlignment(Qt::AlignCenter);
  hint_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* content = new QWidget(this);
  filter_ = new QLineEdit(content);
  filter_->setPlaceholderText(tr("Filter functions by name"));
  filter_->setClearButtonEnabled(true);
  mode_ = new QComboBox(content);
  mode_->addItems({tr("Call tree"), tr("By function")});
  mode_->setToolTip(
      tr("Call tree: one row per call path. By function: one row per function, "
         "its paths added up (inclusive counted once per outermost call)"));
  view_ = new QTreeView(content);
  view_->setObjectName(QStringLiteral("functions"));
  view_->setModel(proxy_);
  view_->setSortingEnabled(true);
  view_->sortByColumn(FunctionTreeModel::Cycles, Qt::DescendingOrder);
  view_->setUniformRowHeights(true);
  view_->setAlternatingRowColors(true);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->header()->setStretchLastSection(false);
  view_->setIndentation(14);

  breadcrumb_ = new QLabel(content);
  breadcrumb_->setObjectName(QStringLiteral("breadcrumb"));
  breadcrumb_->setTextFormat(Qt::RichText);
  breadcrumb_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  zoom_out_ = new QToolButton(content);
  zoom_out_->setText(tr("Zoom out"));
  zoom_out_->setToolTip(tr("Zoom out one level (right-click or Backspace on the graph)"));
  flame_ = new FlameGraphWidget(content);
  auto* scroll = new QScrollArea(content);
  scroll->setWidget(flame_);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setAlignment(Qt::AlignLeft | Qt::AlignTop);

  auto* left = new QWidget(content);
  auto* left_bar = bar_layout();
  left_bar->addWidget(filter_, 1);
  left_bar->addWidget(mode_);
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  left_layout->setSpacing(0);
  left_layout->addLayout(left_bar);
  left_layout->addWidget(view_, 1);
  auto* right = new QWidget(content);
  auto* right_bar = bar_layout();
  right_bar->addWidget(breadcrumb_, 1);
  right_bar->addWidget(zoom_out_);
  auto* right_layout = new QVBoxLayout(right);
  right_layout->setContentsMargins(0, 0, 0, 0);
  right_layout->setSpacing(0);
  right_layout->addLayout(right_bar);
  right_layout->addWidget(scroll, 1);
  auto* split = new QSplitter(Qt::Horizontal, content);
  split->addWidget(left);
  split->addWidget(right);
  split->setSizes({550, 450});  // scaled to the width: the tree's key columns, then the graph
  auto* content_layout = new QVBoxLayout(content);
  content_layout->setContentsMargins(0, 0, 0, 0);
  content_layout->addWidget(split);

  pages_ = new QStackedWidget(this);
  pages_->addWidget(hint_);
  pages_->addWidget(content);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(pages_);

  connect(filter_, &QLineEdit::textChanged, this, &FunctionsTab::apply_filter);
  connect(mode_, &QComboBox::currentIndexChanged, this, &FunctionsTab::apply_mode);
  connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          &FunctionsTab::row_selected);
  connect(flame_, &FlameGraphWidget::frameClicked, this, &FunctionsTab::frame_clicked);
  connect(flame_, &FlameGraphWidget::zoomChanged, this, &FunctionsTab::update_breadcrumb);
  connect(breadcrumb_, &QLabel::linkActivated, this,
          [this](const QString& link) { flame_->zoom_to(link.toInt()); });
  connect(zoom_out_, &QToolButton::clicked, flame_, &FlameGraphWidget::zoom_out);
  set_tree(nullptr);
}

void FunctionsTab::set_tree(std::shared_ptr<const FunctionTree> tree) {
  if (!tree)
    hint_->setText(tr("No run selected."));
  else if (!tree->has_track)
    hint_->setText(
        tr("This run has no call stacks: run the firmware with "
           "'mcuprof run FW.elf --function-cycles N' to get them."));
  else
    hint_->setText(tr("No function ran inside this run's inference window."));
  const bool shown = tree && !tree->empty();
  pages_->setCurrentIndex(shown ? 1 : 0);
  // The same call path stays zoomed when the run is re-read (a run added to the database).
  const QStringList zoomed = flame_path_names(*model_->tree(), flame_->zoom());
  model_->set_tree(tree);
  flame_->set_tree(model_->tree());
  flame_->zoom_to(flame_find_path(*model_->tree(), zoomed));
  update_breadcrumb(flame_->zoom());
  if (!shown) return;
  fit_columns();
  if (!filter_->text().isEmpty() && model_->mode() == FunctionTreeModel::CallTree)
    view_->expandAll();  // the filter stays set
  else
    expand_default();
}

bool FunctionsTab::showing_hint() const {
  return pages_->currentIndex() == 0;
}

QString FunctionsTab::hint() const {
  return hint_->text();
}

void FunctionsTab::set_filter_text(const QString& text) {
  filter_->setText(text);
}

void FunctionsTab::set_mode(int mode) {
  mode_->setCurrentIndex(mode);
}

void FunctionsTab::apply_filter(const QString& text) {
  proxy_->set_filter_text(text);
  flame_->set_search(text);
  if (model_->mode() != FunctionTreeModel::CallTree) return;
  if (text.isEmpty()) {
    view_->collapseAll();
    expand_default();
  } else {
    view_->expandAll();  // every match is visible (only matches and their callers are left)
  }
}

void FunctionsTab::apply_mode(int mode) {
  model_->set_mode(mode == 1 ? FunctionTreeModel::ByFunction : FunctionTreeModel::CallTree);
  flame_->set_highlight({});
  if (!filter_->text().isEmpty() && model_->mode() == FunctionTreeModel::CallTree)
    view_->expandAll();
  else
    expand_default();
}

// Wide enough for every row, expanded or not (the view measures only the rows it shows);
// the name column within bounds, long names elide (whole in the tooltip).
void FunctionsTab::fit_columns() {
  const QFontMetrics metrics = view_->fontMetrics();
  const auto& nodes = model_->tree()->nodes;
  const int pad = 2 * metrics.averageCharWidth();
  for (int c = 0; c < FunctionTreeModel::ColumnCount; ++c) {
    int width = view_->header()->sectionSizeHint(c);
    for (size_t n = 0; n < nodes.size(); ++n) {
      const QString text = model_->index_of_node(static_cast<int>(n), c).data().toString();
      const int indent =
          c == FunctionTreeModel::Name ? view_->indentation() * (nodes[n].depth + 1) : 0;
      width = std::max(width, metrics.horizontalAdvance(text) + indent + pad);
    }
    view_->setColumnWidth(c, c == FunctionTreeModel::Name ? std::clamp(width, 160, 340) : width);
  }
}

void FunctionsTab::expand_default() {
  QModelIndex at = proxy_->index(0, 0);
  for (int depth = 0; depth < kExpandDepth && at.isValid(); ++depth) {
    view_->expand(at);
    at = proxy_->index(0, 0, at);
  }
}

void FunctionsTab::row_selected() {
  const QModelIndex current = view_->currentIndex();
  if (!current.isValid()) {
    flame_->set_highlight({});
    return;
  }
  const int node = current.data(FunctionTreeModel::kNodeRole).toInt();
  if (node >= 0) {
    flame_->set_highlight({node});
    if (!flame_->shows(node)) flame_->zoom_to(node);
    return;
  }
  const QString name = current.data(FunctionTreeModel::kNameRole).toString();
  std::vector<int> nodes;  // by function: every frame of it
  const auto& all = model_->tree()->nodes;
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].name == name) nodes.push_back(static_cast<int>(i));
  flame_->set_highlight(nodes);
}

void FunctionsTab::frame_clicked(int node) {
  if (node < 0) return;
  const QModelIndex source =
      model_->mode() == FunctionTreeModel::CallTree
          ? model_->index_of_node(node)
          : model_->index_of_function(model_->tree()->nodes[static_cast<size_t>(node)].name);
  const QModelIndex row = proxy_->mapFromSource(source);
  if (!row.isValid()) return;  // filtered out
  for (QModelIndex p = row.parent(); p.isValid(); p = p.parent()) view_->expand(p);
  view_->setCurrentIndex(row);
  view_->scrollTo(row);
}

void FunctionsTab::update_breadcrumb(int zoom) {
  const auto& tree = *model_->tree();
  const auto link = [](int node, const QString& text) {
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(node).arg(text.toHtmlEscaped());
  };
  const std::vector<int> path = flame_path(tree, zoom);
  QStringList parts{zoom < 0 ? tr("<b>Inference window</b>") : link(-1, tr("Inference window"))};
  const size_t first = path.size() > kBreadcrumbFrames ? path.size() - kBreadcrumbFrames : 0;
  if (first > 0) parts << QStringLiteral("…");
  for (size_t i = first; i < path.size(); ++i) {
    const QString& name = tree.nodes[static_cast<size_t>(path[i])].short_name;
    parts << (path[i] == zoom ? QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped())
                              : link(path[i], name));
  }
  breadcrumb_->setText(parts.join(QStringLiteral(" › ")));
  breadcrumb_->setToolTip(zoom < 0 ? tr("Click a frame to zoom to it")
                                   : tree.nodes[static_cast<size_t>(zoom)].name);
  zoom_out_->setEnabled(zoom >= 0);
}

}  // namespace mcuprof::gui
