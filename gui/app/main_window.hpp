// The main window of mcuprof-gui: opens a trace database; lists its runs; draws the SRAM
// over time of the selected runs (several overlay) with the board's SRAM limit, the peaks
// and the layer/patch band; shows the first selected run's per-layer table. Re-reads the
// database when it changes on disk (a run finished by `mcuprof run` appears).
#pragma once

#include <QMainWindow>
#include <QString>
#include <QStringList>

class QComboBox;
class QDragEnterEvent;
class QDropEvent;
class QMenu;
class QFileSystemWatcher;
class QSortFilterProxyModel;
class QTableView;

namespace mcuprof::gui {

class LayerTableModel;
class MemoryChartWidget;
class RunListModel;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  // Loads the runs of `path`; shows an error in the status bar if it cannot.
  bool open_database(const QString& path);
  MemoryChartWidget* chart() const { return chart_; }
  // 0 cycles, 1 milliseconds, 2 progress (the toolbar follows).
  void set_x_unit(int unit);
  // Selects every run (their curves overlay in the chart), or the runs with these ids.
  void select_all_runs();
  void select_runs(const QList<qlonglong>& ids);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void choose_database();
  void remember(const QString& path);
  void fill_recent_menu();
  bool reload();
  void show_selected_runs();
  void highlight_layer(const QModelIndex& index);
  void export_chart();

  QString path_;
  RunListModel* runs_ = nullptr;
  QSortFilterProxyModel* sorted_runs_ = nullptr;
  QTableView* run_table_ = nullptr;
  MemoryChartWidget* chart_ = nullptr;
  LayerTableModel* layers_ = nullptr;
  QSortFilterProxyModel* sorted_layers_ = nullptr;
  QTableView* layer_table_ = nullptr;
  QComboBox* x_unit_ = nullptr;
  QComboBox* mode_ = nullptr;
  QFileSystemWatcher* watcher_ = nullptr;
  QMenu* recent_ = nullptr;
  int64_t layer_run_ = 0;  // the run the layer table shows
};

}  // namespace mcuprof::gui
