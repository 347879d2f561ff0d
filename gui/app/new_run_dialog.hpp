// NewRunDialog: starts a run. The user picks a model (.tflite) or firmware (.elf), a
// board (listed by `mcuprof targets --json`) and, for a model, a schedule (layer, patch
// — the planner's best or a p x p grid over the first N layers — or auto); the dialog
// shows the command line, runs `mcuprof run ... --db DB` as a child process (the GUI never
// links the emulator) with an indeterminate progress bar, the elapsed time and the
// child's output, and Cancel kills the child. runFinished() tells the window to re-read
// the database.
#pragma once

#include <QDialog>
#include <QElapsedTimer>
#include <QProcess>

#include "run_command.hpp"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace mcuprof::gui {

class NewRunDialog final : public QDialog {
  Q_OBJECT

 public:
  // `database`: the open trace database (the run is added to it); may be empty.
  NewRunDialog(const QString& database, QWidget* parent = nullptr);
  ~NewRunDialog() override;

  // `mcuprof` next to this program (build/bin/mcuprof), else on PATH; empty if neither.
  static QString mcuprof_program();
  NewRunRequest request() const;

 signals:
  // The child exited (ok: exit status 0); the database may hold a new run.
  void runFinished(const QString& database, bool ok);

 private:
  void load_targets();
  void browse_input();
  void browse_database();
  void update_command();
  void start();
  void cancel();
  void finished(int exit_code, QProcess::ExitStatus status);

  QLineEdit* input_ = nullptr;
  QComboBox* target_ = nullptr;
  QComboBox* schedule_ = nullptr;
  QSpinBox* grid_ = nullptr;
  QSpinBox* split_ = nullptr;
  QLineEdit* database_ = nullptr;
  QLabel* command_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* elapsed_ = nullptr;
  QPlainTextEdit* output_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProcess* process_ = nullptr;
  QProcess* targets_ = nullptr;
  QTimer* tick_ = nullptr;
  QElapsedTimer clock_;
  bool cancelled_ = false;
};

}  // namespace mcuprof::gui
