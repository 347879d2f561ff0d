// The main window of mcuprof-gui: opens a trace database; lists its runs; draws the SRAM
// over time of the selected runs (several overlay) with the board's SRAM limit, the peaks
// and the layer/patch band; under it the first selected run's layer and patch tables and
// the comparison of two selected runs (TableTabs). A rubber band on the chart filters the
// tables to that time range. Reads the database off the GUI thread (TraceLoader) and
// re-reads it when it changes on disk (a run finished by `mcuprof run` or by the new run
// dialog appears).
#pragma once

#include <QList>
#include <QMainWindow>
#include <QString>
#include <memory>
#include <vector>

#include "trace_loading.hpp"

class QComboBox;
class QDragEnterEvent;
class QDropEvent;
class QFileSystemWatcher;
class QMenu;
class QProgressBar;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace mcuprof::gui {

class MemoryChartWidget;
class RunListModel;
class TableTabs;
class TraceLoader;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  // Starts loading the runs of `path` (in the background); errors go to the status bar.
  void open_database(const QString& path);
  MemoryChartWidget* chart() const { return chart_; }
  QTableView* run_table() const { return run_table_; }
  TableTabs* tables() const { return tables_; }
  // 0 cycles, 1 milliseconds, 2 progress (the toolbar follows).
  void set_x_unit(int unit);
  // Selects every run (their curves overlay in the chart), or the runs with these ids.
  void select_all_runs();
  void select_runs(const QList<qlonglong>& ids);
  // True while a read is running in the background.
  bool busy() const;
  int run_count() const;

 signals:
  void runsShown();  // the run list was (re)filled

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void choose_database();
  void remember(const QString& path);
  void fill_recent_menu();
  void reload();
  void show_runs(const std::shared_ptr<const RunsSnapshot>& runs);
  void load_selected_runs();
  void show_selection(const std::shared_ptr<const SelectionSnapshot>& selection);
  std::vector<int64_t> selected_ids() const;
  void filter_tables(double axis_lo, double axis_hi);
  void export_chart();
  void export_csv(const QString& what, const QString& csv);
  void new_run();
  // Sizes the run list's columns to their contents and the list to show its key columns
  // (id to peak) in full, within half the window.
  void fit_run_list();

  QString path_;
  QString signature_;  // database_signature() when last read
  RunListModel* runs_ = nullptr;
  QSortFilterProxyModel* sorted_runs_ = nullptr;
  QTableView* run_table_ = nullptr;
  QSplitter* split_ = nullptr;  // run list | chart and tables
  MemoryChartWidget* chart_ = nullptr;
  TableTabs* tables_ = nullptr;
  QComboBox* x_unit_ = nullptr;
  QComboBox* mode_ = nullptr;
  QFileSystemWatcher* watcher_ = nullptr;
  QMenu* recent_ = nullptr;
  QProgressBar* busy_ = nullptr;
  TraceLoader* loader_ = nullptr;
  std::vector<int64_t> wanted_ids_;  // the selection to restore once the runs are shown
  bool select_first_ = false;        // select the first run once shown (a newly opened file)
};

}  // namespace mcuprof::gui
