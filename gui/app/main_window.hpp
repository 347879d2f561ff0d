// The main window of mcuprof-gui: opens a trace database and lists its runs.
#pragma once

#include <QMainWindow>

class QTableView;
class QSortFilterProxyModel;

namespace mcuprof::gui {

class RunListModel;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  // Loads the runs of `path`; shows an error in the status bar if it cannot.
  bool open_database(const QString& path);

 private:
  void choose_database();

  RunListModel* runs_ = nullptr;
  QSortFilterProxyModel* sorted_ = nullptr;
  QTableView* table_ = nullptr;
};

}  // namespace mcuprof::gui
