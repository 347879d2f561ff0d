// Main window: run list, memory chart, tables, menus (see main_window.hpp).
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
#include <QProgressBar>
#include <QSaveFile>
#include <QScrollBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

#include "db_signature.hpp"
#include "memory_chart_widget.hpp"
#include "new_run_dialog.hpp"
#include "run_list_model.hpp"
#include "sweep_tab.hpp"
#include "table_tabs.hpp"
#include "trace_loader.hpp"

namespace mcuprof::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("mcuprof"));
  runs_ = new RunListModel(this);
  sorted_runs_ = new QSortFilterProxyModel(this);
  sorted_runs_->setSourceModel(runs_);
  sorted_runs_->setSortRole(Qt::UserRole);
  run_table_ = new QTableView(this);
  run_table_->setModel(sorted_runs_);
  run_table_->setSortingEnabled(true);
  run_table_->sortByColumn(-1, Qt::AscendingOrder);
  run_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  run_table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  run_table_->horizontalHeader()->setStretchLastSection(true);
  run_table_->setTextElideMode(Qt::ElideMiddle);  // long names keep their ends
  run_table_->setObjectName(QStringLiteral("runs"));
  run_table_->verticalHeader()->hide();
  run_table_->verticalHeader()->setDefaultSectionSize(run_table_->fontMetrics().height() + 6);

  chart_ = new MemoryChartWidget(this);
  tables_ = new TableTabs(this);
  loader_ = new TraceLoader(this);

  auto* right = new QSplitter(Qt::Vertical, this);
  right->addWidget(chart_);
  right->addWidget(tables_);
  right->setStretchFactor(0, 1);
  right->setStretchFactor(1, 1);
  right->setSizes({540, 320});
  split_ = new QSplitter(Qt::Horizontal, this);
  split_->addWidget(run_table_);
  split_->addWidget(right);
  split_->setStretchFactor(1, 3);
  split_->setSizes({420, 980});
  setCentralWidget(split_);

  auto* tools = addToolBar(tr("Chart"));
  tools->addWidget(new QLabel(tr(" x axis: "), tools));
  x_unit_ = new QComboBox(tools);
  x_unit_->addItems({tr("cycles"), tr("milliseconds"), tr("progress")});
  tools->addWidget(x_unit_);
  tools->addWidget(new QLabel(tr("  curves: "), tools));
  mode_ = new QComboBox(tools);
  mode_->addItems({tr("stacked"), tr("overlaid")});
  tools->addWidget(mode_);
  tools->addSeparator();
  tools->addAction(tr("Show all spans"), chart_, &MemoryChartWidget::clear_selection)
      ->setToolTip(tr("Drop the time filter of the tables (Shift+drag on the chart sets one)"));
  connect(x_unit_, &QComboBox::currentIndexChanged, this, [this](int i) {
    chart_->set_x_unit(i == 1   ? plot::XUnit::Milliseconds
                       : i == 2 ? plot::XUnit::Progress
                                : plot::XUnit::Cycles);
  });
  connect(mode_, &QComboBox::currentIndexChanged, this, [this](int i) {
    chart_->set_mode(i == 1 ? plot::ChartMode::Overlaid : plot::ChartMode::Stacked);
  });

  connect(run_table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &MainWindow::load_selected_runs);
  connect(loader_, &TraceLoader::runsLoaded, this, &MainWindow::show_runs);
  connect(loader_, &TraceLoader::selectionLoaded, this, &MainWindow::show_selection);
  connect(chart_, &MemoryChartWidget::timeRangeSelected, this, &MainWindow::filter_tables);
  connect(chart_, &MemoryChartWidget::selectionCleared, this,
          [this] { tables_->set_range(std::nullopt); });
  connect(tables_, &TableTabs::resetFilterRequested, chart_, &MemoryChartWidget::clear_selection);
  connect(tables_->sweep(), &SweepTab::runClicked, this,
          [this](qlonglong id) { select_runs({id}); });
  connect(tables_, &TableTabs::spanHighlighted, this, [this](std::optional<CycleInterval> span) {
    chart_->set_highlight(span && !chart_->renderer().runs().empty()
                              ? std::optional(plot::HighlightSpan{0, span->begin, span->end})
                              : std::nullopt);
  });
  connect(chart_, &MemoryChartWidget::layerClicked, this, [this](int run, int position) {
    if (run != 0) return;  // the tables show the first run
    const auto& layers = chart_->renderer().runs().front().layers;
    tables_->select_layer(layers[static_cast<size_t>(position)].index);
  });

  busy_ = new QProgressBar(this);
  busy_->setRange(0, 0);
  busy_->setMaximumWidth(120);
  busy_->setMaximumHeight(14);
  busy_->setTextVisible(false);
  busy_->hide();
  statusBar()->addPermanentWidget(busy_);
  connect(loader_, &TraceLoader::busyChanged, busy_, &QWidget::setVisible);

  watcher_ = new QFileSystemWatcher(this);
  connect(watcher_, &QFileSystemWatcher::fileChanged, this, [this] {
    // Let the writer finish its commit; then re-read only if the content may have changed
    // (our own reads touch the WAL file too, which must not start another read).
    QTimer::singleShot(300, this, [this] {
      if (database_signature(path_) != signature_) reload();
    });
  });

  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open trace database…"), QKeySequence::Open, this,
                  &MainWindow::choose_database);
  recent_ = file->addMenu(tr("Open &recent"));
  fill_recent_menu();
  file->addAction(tr("&Reload"), QKeySequence::Refresh, this, &MainWindow::reload);
  file->addAction(tr("&New run…"), QKeySequence::New, this, &MainWindow::new_run);
  file->addSeparator();
  file->addAction(tr("&Export chart…"), this, &MainWindow::export_chart);
  auto* csv = file->addMenu(tr("Export table as &CSV"));
  csv->addAction(tr("&Layer table…"), this,
                 [this] { export_csv(QStringLiteral("layers"), tables_->layers_csv()); });
  auto* patches = csv->addAction(tr("&Patch table…"), this, [this] {
    export_csv(QStringLiteral("patches"), tables_->patches_csv());
  });
  auto* comparison = csv->addAction(tr("&Comparison…"), this, [this] {
    export_csv(QStringLiteral("comparison"), tables_->comparison_csv());
  });
  connect(csv, &QMenu::aboutToShow, this, [this, patches, comparison] {
    patches->setEnabled(tables_->has_patches());
    comparison->setEnabled(tables_->has_comparison());
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  statusBar()->showMessage(tr("Open or drop a trace database written by 'mcuprof run --db'"));
  setAcceptDrops(true);
  resize(1400, 900);
}

bool MainWindow::busy() const {
  return loader_->busy();
}

int MainWindow::run_count() const {
  return runs_->rowCount();
}

void MainWindow::open_database(const QString& path) {
  path_ = path;
  if (!watcher_->files().isEmpty()) watcher_->removePaths(watcher_->files());
  if (QFileInfo::exists(path)) watcher_->addPath(path);
  if (QFileInfo::exists(path + "-wal")) watcher_->addPath(path + "-wal");
  select_first_ = true;
  wanted_ids_.clear();
  runs_->set_runs({});
  chart_->set_runs({});
  tables_->show_selection({});
  reload();
}

void MainWindow::reload() {
  if (path_.isEmpty()) return;
  // A writer may have created the WAL file since the database was opened.
  for (const QString& f : {path_, path_ + "-wal"})
    if (QFileInfo::exists(f) && !watcher_->files().contains(f)) watcher_->addPath(f);
  signature_ = database_signature(path_);
  statusBar()->showMessage(tr("Reading %1…").arg(path_));
  loader_->load_runs(path_);
}

void MainWindow::show_runs(const std::shared_ptr<const RunsSnapshot>& runs) {
  if (runs->path != path_) return;  // a file opened since
  if (!runs->error.isEmpty()) {
    statusBar()->showMessage(runs->error);
    return;
  }
  // Keep the selection across a re-read (a run added by the CLI), or restore a requested one.
  const std::vector<int64_t> keep = !wanted_ids_.empty()
                                        ? wanted_ids_
                                        : (select_first_ ? std::vector<int64_t>{} : selected_ids());
  const bool first_time = runs_->rowCount() == 0;
  {
    const QSignalBlocker block(run_table_->selectionModel());
    runs_->set_runs(runs->runs);
  }
  tables_->sweep()->set_runs(runs->runs);
  if (first_time) {
    fit_run_list();
    remember(path_);
  }
  setWindowTitle(tr("mcuprof — %1").arg(path_));
  statusBar()->showMessage(tr("%n run(s) in %1", nullptr, runs_->rowCount()).arg(path_));
  QList<qlonglong> ids(keep.begin(), keep.end());
  if (ids.isEmpty() && select_first_ && runs_->rowCount() > 0) ids.append(runs_->run_at(0)->id);
  select_first_ = false;
  wanted_ids_.clear();
  select_runs(ids);
  emit runsShown();
}

std::vector<int64_t> MainWindow::selected_ids() const {
  std::vector<int64_t> ids;
  for (const QModelIndex& row : run_table_->selectionModel()->selectedRows()) {
    const auto* run = runs_->run_at(sorted_runs_->mapToSource(row).row());
    if (run != nullptr) ids.push_back(run->id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void MainWindow::load_selected_runs() {
  if (path_.isEmpty()) return;
  const auto ids = selected_ids();
  tables_->sweep()->set_selected(ids);
  loader_->load_selection(path_, ids);
}

void MainWindow::show_selection(const std::shared_ptr<const SelectionSnapshot>& selection) {
  if (selection->path != path_) return;
  if (!selection->error.isEmpty()) statusBar()->showMessage(selection->error);
  chart_->set_runs(selection->charts);
  tables_->show_selection(*selection);
}

void MainWindow::select_all_runs() {
  run_table_->selectAll();
}

void MainWindow::select_runs(const QList<qlonglong>& ids) {
  if (runs_->rowCount() == 0 && !ids.isEmpty()) {  // still loading: restore once shown
    wanted_ids_.assign(ids.begin(), ids.end());
    return;
  }
  QItemSelection selection;
  for (int row = 0; row < sorted_runs_->rowCount(); ++row) {
    const auto* run = runs_->run_at(sorted_runs_->mapToSource(sorted_runs_->index(row, 0)).row());
    if (run != nullptr && ids.contains(run->id))
      selection.select(sorted_runs_->index(row, 0),
                       sorted_runs_->index(row, sorted_runs_->columnCount() - 1));
  }
  {
    // One load for the whole change (and one even when the selection is unchanged: the
    // runs' data may have changed on disk).
    const QSignalBlocker block(run_table_->selectionModel());
    run_table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
  }
  run_table_->viewport()->update();
  load_selected_runs();
}

void MainWindow::fit_run_list() {
  run_table_->resizeColumnsToContents();
  auto* header = run_table_->horizontalHeader();
  // Names and model files can be long: cap them (elided in the middle, whole in the
  // tooltip) so that id .. peak fit side by side.
  const int cap = run_table_->fontMetrics().horizontalAdvance(QString(18, QLatin1Char('n')));
  for (const int c : {RunListModel::Name, RunListModel::Model})
    header->resizeSection(c, std::min(header->sectionSize(c), cap));
  int wanted = 2 * run_table_->frameWidth() + run_table_->verticalScrollBar()->sizeHint().width();
  for (int c = 0; c < RunListModel::kKeyColumns; ++c) wanted += header->sectionSize(c);
  const int total = std::max(split_->width(), width());
  const int list = std::clamp(wanted, 260, total / 2);
  split_->setSizes({list, std::max(1, total - list)});
}

void MainWindow::set_x_unit(int unit) {
  x_unit_->setCurrentIndex(std::clamp(unit, 0, 2));
}

void MainWindow::filter_tables(double axis_lo, double axis_hi) {
  if (chart_->renderer().runs().empty()) return;
  // The tables show the first run: its cycles under the rubber band.
  tables_->set_range(chart_->renderer().cycle_range(0, axis_lo, axis_hi),
                     AxisRange{axis_lo, axis_hi, chart_->renderer().x_unit()});
}

void MainWindow::export_chart() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export chart"), QStringLiteral("memory.png"), tr("Images (*.png *.svg)"));
  if (path.isEmpty()) return;
  std::string error;
  if (!chart_->renderer().render_to_file(path, chart_->size(), &error))
    statusBar()->showMessage(QString::fromStdString(error));
}

void MainWindow::export_csv(const QString& what, const QString& csv) {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export %1 as CSV").arg(what), what + QStringLiteral(".csv"), tr("CSV (*.csv)"));
  if (path.isEmpty()) return;
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(csv.toUtf8()) < 0 || !file.commit()) {
    statusBar()->showMessage(tr("%1: %2").arg(path, file.errorString()));
    return;
  }
  statusBar()->showMessage(tr("Wrote %1").arg(path));
}

void MainWindow::new_run() {
  auto* dialog = new NewRunDialog(path_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &NewRunDialog::runFinished, this, [this](const QString& db, bool ok) {
    statusBar()->showMessage(ok ? tr("Run finished")
                                : tr("Run ended with an error (see the dialog)"));
    if (db == path_) {
      reload();
    } else if (QFileInfo::exists(db)) {
      open_database(db);
    }
  });
  dialog->show();
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
