// Main window: menu, run table, status bar (see main_window.hpp).
#include "main_window.hpp"

#include <QFileDialog>
#include <QHeaderView>
#include <QMenuBar>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>

#include "mcuprof/traces/store.hpp"
#include "run_list_model.hpp"

namespace mcuprof::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("mcuprof"));
  runs_ = new RunListModel(this);
  sorted_ = new QSortFilterProxyModel(this);
  sorted_->setSourceModel(runs_);
  sorted_->setSortRole(Qt::UserRole);
  table_ = new QTableView(this);
  table_->setModel(sorted_);
  table_->setSortingEnabled(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  setCentralWidget(table_);

  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open trace database…"), QKeySequence::Open, this, &MainWindow::choose_database);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  statusBar()->showMessage(tr("Open a trace database written by 'mcuprof run --db'"));
  resize(1000, 480);
}

bool MainWindow::open_database(const QString& path) {
  try {
    const auto store = traces::TraceStore::open(path.toStdString(), traces::TraceStore::Mode::ReadOnly);
    runs_->set_runs(store.runs());
    table_->resizeColumnsToContents();
    setWindowTitle(tr("mcuprof — %1").arg(path));
    statusBar()->showMessage(tr("%n run(s) in %1", nullptr, runs_->rowCount()).arg(path));
    return true;
  } catch (const traces::TraceError& e) {
    statusBar()->showMessage(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::choose_database() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open trace database"), {},
                                                    tr("Trace databases (*.db *.sqlite);;All files (*)"));
  if (!path.isEmpty()) open_database(path);
}

}  // namespace mcuprof::gui
