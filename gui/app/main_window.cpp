// Main window: run list, memory chart, layer table, menus (see main_window.hpp).
#include "main_window.hpp"

#include <algorithm>

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

#include "layer_table_model.hpp"
#include "mcuprof/targets/target.hpp"
#include "mcuprof/traces/store.hpp"
#include "memory_chart_widget.hpp"
#include "run_list_model.hpp"
#include "trace_charts.hpp"

namespace mcuprof::gui {
namespace {

QTableView* make_table(QWidget* parent, QAbstractItemModel* model) {
  auto* t = new QTableView(parent);
  t->setModel(model);
  t->setSortingEnabled(true);
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->horizontalHeader()->setStretchLastSection(true);
  t->verticalHeader()->hide();
  return t;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("mcuprof"));
  runs_ = new RunListModel(this);
  sorted_runs_ = new QSortFilterProxyModel(this);
  sorted_runs_->setSourceModel(runs_);
  sorted_runs_->setSortRole(Qt::UserRole);
  run_table_ = make_table(this, sorted_runs_);
  run_table_->setSelectionMode(QAbstractItemView::ExtendedSelection);

  chart_ = new MemoryChartWidget(this);
  layers_ = new LayerTableModel(this);
  sorted_layers_ = new QSortFilterProxyModel(this);
  sorted_layers_->setSourceModel(layers_);
  sorted_layers_->setSortRole(Qt::UserRole);
  layer_table_ = make_table(this, sorted_layers_);

  auto* right = new QSplitter(Qt::Vertical, this);
  right->addWidget(chart_);
  right->addWidget(layer_table_);
  right->setStretchFactor(0, 3);
  right->setStretchFactor(1, 2);
  auto* main = new QSplitter(Qt::Horizontal, this);
  main->addWidget(run_table_);
  main->addWidget(right);
  main->setStretchFactor(1, 3);
  setCentralWidget(main);

  auto* tools = addToolBar(tr("Chart"));
  tools->addWidget(new QLabel(tr(" x axis: "), tools));
  x_unit_ = new QComboBox(tools);
  x_unit_->addItems({tr("cycles"), tr("milliseconds"), tr("progress")});
  tools->addWidget(x_unit_);
  tools->addWidget(new QLabel(tr("  curves: "), tools));
  mode_ = new QComboBox(tools);
  mode_->addItems({tr("stacked"), tr("overlaid")});
  tools->addWidget(mode_);
  connect(x_unit_, &QComboBox::currentIndexChanged, this, [this](int i) {
    chart_->set_x_unit(i == 1   ? plot::XUnit::Milliseconds
                       : i == 2 ? plot::XUnit::Progress
                                : plot::XUnit::Cycles);
  });
  connect(mode_, &QComboBox::currentIndexChanged, this, [this](int i) {
    chart_->set_mode(i == 1 ? plot::ChartMode::Overlaid : plot::ChartMode::Stacked);
  });

  connect(run_table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &MainWindow::show_selected_runs);
  connect(layer_table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          &MainWindow::highlight_layer);

  watcher_ = new QFileSystemWatcher(this);
  connect(watcher_, &QFileSystemWatcher::fileChanged, this, [this] {
    QTimer::singleShot(300, this, &MainWindow::reload);  // let the writer finish its commit
  });

  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open trace database…"), QKeySequence::Open, this,
                  &MainWindow::choose_database);
  recent_ = file->addMenu(tr("Open &recent"));
  fill_recent_menu();
  file->addAction(tr("&Reload"), QKeySequence::Refresh, this, &MainWindow::reload);
  file->addAction(tr("&Export chart…"), this, &MainWindow::export_chart);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  statusBar()->showMessage(tr("Open or drop a trace database written by 'mcuprof run --db'"));
  setAcceptDrops(true);
  resize(1400, 820);
}

bool MainWindow::open_database(const QString& path) {
  path_ = path;
  if (!watcher_->files().isEmpty()) watcher_->removePaths(watcher_->files());
  watcher_->addPath(path);
  if (QFileInfo::exists(path + "-wal")) watcher_->addPath(path + "-wal");
  const bool ok = reload();
  if (ok) remember(path);
  if (runs_->rowCount() > 0) run_table_->selectRow(0);
  return ok;
}

bool MainWindow::reload() {
  if (path_.isEmpty()) return false;
  try {
    const auto store =
        traces::TraceStore::open(path_.toStdString(), traces::TraceStore::Mode::ReadOnly);
    runs_->set_runs(store.runs());
    run_table_->resizeColumnsToContents();
    setWindowTitle(tr("mcuprof — %1").arg(path_));
    statusBar()->showMessage(tr("%n run(s) in %1", nullptr, runs_->rowCount()).arg(path_));
    return true;
  } catch (const traces::TraceError& e) {
    statusBar()->showMessage(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::show_selected_runs() {
  std::vector<int64_t> ids;
  for (const QModelIndex& row : run_table_->selectionModel()->selectedRows()) {
    const auto* run = runs_->run_at(sorted_runs_->mapToSource(row).row());
    if (run != nullptr) ids.push_back(run->id);
  }
  std::sort(ids.begin(), ids.end());
  try {
    const auto store =
        traces::TraceStore::open(path_.toStdString(), traces::TraceStore::Mode::ReadOnly);
    std::vector<plot::ChartRun> charts;
    for (int64_t id : ids)
      if (const auto run = store.run(id))
        charts.push_back(
            plot::chart_run_from_trace(store, *run, targets::catalogue_sram_bytes(run->target)));
    chart_->set_runs(std::move(charts));
    layer_run_ = ids.empty() ? 0 : ids.front();
    layers_->set_layers(ids.empty() ? std::vector<traces::LayerRow>{}
                                    : store.layer_table(layer_run_));
    layer_table_->resizeColumnsToContents();
  } catch (const traces::TraceError& e) {
    statusBar()->showMessage(QString::fromStdString(e.what()));
  }
}

void MainWindow::select_all_runs() {
  run_table_->selectAll();
}

void MainWindow::select_runs(const QList<qlonglong>& ids) {
  QItemSelection selection;
  for (int row = 0; row < sorted_runs_->rowCount(); ++row) {
    const auto* run = runs_->run_at(sorted_runs_->mapToSource(sorted_runs_->index(row, 0)).row());
    if (run != nullptr && ids.contains(run->id))
      selection.select(sorted_runs_->index(row, 0),
                       sorted_runs_->index(row, sorted_runs_->columnCount() - 1));
  }
  run_table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

void MainWindow::set_x_unit(int unit) {
  x_unit_->setCurrentIndex(std::clamp(unit, 0, 2));
}

void MainWindow::highlight_layer(const QModelIndex& index) {
  const auto* layer =
      index.isValid() ? layers_->layer_at(sorted_layers_->mapToSource(index).row()) : nullptr;
  if (layer == nullptr || chart_->renderer().runs().empty()) {
    chart_->set_highlight(std::nullopt);
    return;
  }
  // The first span of that layer in the first run (the table's run).
  for (const auto& l : chart_->renderer().runs().front().layers) {
    if (l.index == layer->layer_index) {
      chart_->set_highlight(plot::HighlightSpan{0, l.begin, l.end});
      return;
    }
  }
}

void MainWindow::export_chart() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export chart"), QStringLiteral("memory.png"), tr("Images (*.png *.svg)"));
  if (path.isEmpty()) return;
  std::string error;
  if (!chart_->renderer().render_to_file(path, chart_->size(), &error))
    statusBar()->showMessage(QString::fromStdString(error));
}

void MainWindow::remember(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recent").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > 8) recent.removeLast();
  settings.setValue("recent", recent);
  fill_recent_menu();
}

void MainWindow::fill_recent_menu() {
  recent_->clear();
  const QStringList recent = QSettings().value("recent").toStringList();
  for (const QString& path : recent)
    recent_->addAction(path, this, [this, path] { open_database(path); });
  recent_->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile())
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.first().isLocalFile()) open_database(urls.first().toLocalFile());
}

void MainWindow::choose_database() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open trace database"), {}, tr("Trace databases (*.db *.sqlite);;All files (*)"));
  if (!path.isEmpty()) open_database(path);
}

}  // namespace mcuprof::gui
