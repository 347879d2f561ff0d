// The new run dialog (see new_run_dialog.hpp).
#include "new_run_dialog.hpp"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

namespace mcuprof::gui {
namespace {

enum ScheduleChoice { Layer, PatchBest, PatchGrid, Auto };

QWidget* with_button(QWidget* parent, QWidget* field, QPushButton* button) {
  auto* row = new QWidget(parent);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(field, 1);
  layout->addWidget(button);
  return row;
}

}  // namespace

QString NewRunDialog::mcuprof_program() {
  const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath("mcuprof");
  if (QFileInfo(beside).isExecutable()) return beside;
  return QStandardPaths::findExecutable("mcuprof");
}

NewRunDialog::NewRunDialog(const QString& database, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("New run"));
  input_ = new QLineEdit(this);
  input_->setPlaceholderText(tr("model.tflite or firmware.elf"));
  auto* browse_input = new QPushButton(tr("Browse…"), this);
  target_ = new QComboBox(this);
  schedule_ = new QComboBox(this);
  schedule_->addItems({tr("layer by layer"), tr("patch-based (the planner's best)"),
                       tr("patch-based, grid P×P over the first N layers"),
                       tr("auto (the recommendation for the board)")});
  grid_ = new QSpinBox(this);
  grid_->setRange(2, 16);
  grid_->setValue(4);
  grid_->setPrefix(tr("P = "));
  split_ = new QSpinBox(this);
  split_->setRange(1, 999);
  split_->setValue(5);
  split_->setPrefix(tr("N = "));
  auto* patch_row = new QWidget(this);
  auto* patch_layout = new QHBoxLayout(patch_row);
  patch_layout->setContentsMargins(0, 0, 0, 0);
  patch_layout->addWidget(grid_);
  patch_layout->addWidget(split_);
  patch_layout->addStretch(1);
  database_ = new QLineEdit(database, this);
  auto* browse_db = new QPushButton(tr("Browse…"), this);
  command_ = new QLabel(this);
  command_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  command_->setWordWrap(true);

  auto* form = new QFormLayout;
  form->addRow(tr("Model or firmware:"), with_button(this, input_, browse_input));
  form->addRow(tr("Target:"), target_);
  form->addRow(tr("Schedule:"), schedule_);
  form->addRow(tr("Patches:"), patch_row);
  form->addRow(tr("Trace database:"), with_button(this, database_, browse_db));
  form->addRow(tr("Command:"), command_);

  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setTextVisible(false);
  elapsed_ = new QLabel(this);
  output_ = new QPlainTextEdit(this);
  output_->setReadOnly(true);
  output_->setMaximumBlockCount(2000);
  output_->setMinimumHeight(140);
  run_ = new QPushButton(tr("Run"), this);
  run_->setDefault(true);
  cancel_ = new QPushButton(tr("Close"), this);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(progress_, 1);
  buttons->addWidget(elapsed_);
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(output_, 1);
  layout->addLayout(buttons);
  resize(720, 480);

  tick_ = new QTimer(this);
  tick_->setInterval(200);
  connect(tick_, &QTimer::timeout, this, [this] {
    elapsed_->setText(tr("%1 s").arg(static_cast<double>(clock_.elapsed()) / 1000.0, 0, 'f', 1));
  });
  connect(browse_input, &QPushButton::clicked, this, &NewRunDialog::browse_input);
  connect(browse_db, &QPushButton::clicked, this, &NewRunDialog::browse_database);
  connect(input_, &QLineEdit::textChanged, this, &NewRunDialog::update_command);
  connect(database_, &QLineEdit::textChanged, this, &NewRunDialog::update_command);
  connect(target_, &QComboBox::currentIndexChanged, this, &NewRunDialog::update_command);
  connect(schedule_, &QComboBox::currentIndexChanged, this, &NewRunDialog::update_command);
  connect(grid_, &QSpinBox::valueChanged, this, &NewRunDialog::update_command);
  connect(split_, &QSpinBox::valueChanged, this, &NewRunDialog::update_command);
  connect(run_, &QPushButton::clicked, this, &NewRunDialog::start);
  connect(cancel_, &QPushButton::clicked, this, &NewRunDialog::cancel);
  for (auto [w, name] : {std::pair<QWidget*, const char*>{input_, "input"},
                         {target_, "target"},
                         {schedule_, "schedule"},
                         {database_, "database"},
                         {run_, "run"},
                         {cancel_, "cancel"},
                         {output_, "output"},
                         {command_, "command"}})
    w->setObjectName(name);  // for tests
  load_targets();
  update_command();
}

NewRunDialog::~NewRunDialog() {
  // Never leave a child behind: kill a run (or the target listing) still going.
  for (QProcess* p : {process_, targets_}) {
    if (p != nullptr && p->state() != QProcess::NotRunning) {
      p->kill();
      p->waitForFinished(2000);
    }
  }
}

void NewRunDialog::load_targets() {
  const QString program = mcuprof_program();
  if (program.isEmpty()) {
    output_->appendPlainText(tr("mcuprof not found next to mcuprof-gui nor on PATH"));
    run_->setEnabled(false);
    return;
  }
  targets_ = new QProcess(this);
  connect(targets_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
    const QByteArray out = targets_->readAllStandardOutput();
    auto boards = parse_targets_json(out);
    if (boards.empty()) boards = parse_targets_text(out);
    if (status != QProcess::NormalExit || code != 0 || boards.empty())
      output_->appendPlainText(tr("could not list the boards: %1")
                                   .arg(QString::fromUtf8(targets_->readAllStandardError())));
    for (const auto& b : boards)
      target_->addItem(b.name + QStringLiteral(" — ") + b.description, b.name);
  });
  targets_->start(program, {QStringLiteral("targets"), QStringLiteral("--json")});
}

void NewRunDialog::browse_input() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Model or firmware"), input_->text(),
                                   tr("Models and firmware (*.tflite *.elf);;All files (*)"));
  if (!path.isEmpty()) input_->setText(path);
}

void NewRunDialog::browse_database() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Trace database"), database_->text(),
                                                    tr("Trace databases (*.db);;All files (*)"),
                                                    nullptr, QFileDialog::DontConfirmOverwrite);
  if (!path.isEmpty()) database_->setText(path);
}

NewRunRequest NewRunDialog::request() const {
  NewRunRequest r;
  r.input = input_->text().trimmed();
  r.target = target_->currentData().toString();
  r.database = database_->text().trimmed();
  switch (schedule_->currentIndex()) {
    case PatchBest:
      r.schedule = ScheduleKind::Patch;
      break;
    case PatchGrid:
      r.schedule = ScheduleKind::Patch;
      r.patch_grid = grid_->value();
      r.patch_split = split_->value();
      break;
    case Auto:
      r.schedule = ScheduleKind::Auto;
      break;
    default:
      r.schedule = ScheduleKind::Layer;
  }
  return r;
}

void NewRunDialog::update_command() {
  const bool model = is_model(input_->text());
  schedule_->setEnabled(model);
  grid_->setEnabled(model && schedule_->currentIndex() == PatchGrid);
  split_->setEnabled(model && schedule_->currentIndex() == PatchGrid);
  QString error;
  const QStringList args = mcuprof_run_arguments(request(), &error);
  command_->setText(args.isEmpty() ? error : QStringLiteral("mcuprof ") + args.join(' '));
  const bool running = process_ != nullptr && process_->state() != QProcess::NotRunning;
  run_->setEnabled(!args.isEmpty() && !running && !mcuprof_program().isEmpty());
}

void NewRunDialog::start() {
  const QStringList args = mcuprof_run_arguments(request());
  if (args.isEmpty()) return;
  if (process_ == nullptr) {
    process_ = new QProcess(this);
    process_->setProcessChannelMode(QProcess::MergedChannels);
    connect(process_, &QProcess::readyRead, this,
            [this] { output_->appendPlainText(QString::fromUtf8(process_->readAll()).trimmed()); });
    connect(process_, &QProcess::finished, this, &NewRunDialog::finished);
    connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
      if (e == QProcess::FailedToStart) finished(-1, QProcess::CrashExit);
    });
  }
  cancelled_ = false;
  output_->appendPlainText(QStringLiteral("$ mcuprof ") + args.join(' '));
  progress_->setRange(0, 0);  // mcuprof reports no progress to a pipe: busy, with the time
  clock_.start();
  tick_->start();
  cancel_->setText(tr("Cancel"));
  process_->start(mcuprof_program(), args);
  update_command();
}

void NewRunDialog::cancel() {
  if (process_ != nullptr && process_->state() != QProcess::NotRunning) {
    cancelled_ = true;
    process_->kill();
    return;
  }
  reject();
}

void NewRunDialog::finished(int exit_code, QProcess::ExitStatus status) {
  tick_->stop();
  progress_->setRange(0, 1);
  progress_->setValue(1);
  cancel_->setText(tr("Close"));
  const bool ok = !cancelled_ && status == QProcess::NormalExit && exit_code == 0;
  if (cancelled_)
    output_->appendPlainText(tr("cancelled"));
  else if (status != QProcess::NormalExit)
    output_->appendPlainText(tr("mcuprof did not finish: %1").arg(process_->errorString()));
  else
    output_->appendPlainText(tr("mcuprof exited with status %1").arg(exit_code));
  update_command();
  // A run that stopped on a fault or a gate is still stored: re-read the database anyway.
  if (!cancelled_) emit runFinished(request().database, ok);
}

}  // namespace mcuprof::gui
