// The `mcuprof run` command line the new-run dialog starts, and the board list it offers
// (parsed from `mcuprof targets --json`, or from the text table of older versions).
// Pure functions, no widgets, no process.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <vector>

namespace mcuprof::gui {

enum class ScheduleKind { Layer, Patch, Auto };

struct NewRunRequest {
  QString input;     // a .tflite model or a firmware .elf
  QString target;    // board name
  QString database;  // the run is added to this trace database
  ScheduleKind schedule = ScheduleKind::Layer;
  int patch_grid = 0;   // p for p x p patches; 0 = the planner's best patch option
  int patch_split = 0;  // the patch stage covers the first N layers (with patch_grid > 0)
};

// True when `input` names a model (.tflite); schedules apply to models only.
bool is_model(const QString& input);

// The schedule argument: "layer", "patch", "patch:4x4@5" or "auto".
QString schedule_argument(const NewRunRequest& request);

// Arguments of `mcuprof` (without the program): run INPUT --target T --db DB
// [--schedule S]. Empty with `error` set when the request is incomplete.
QStringList mcuprof_run_arguments(const NewRunRequest& request, QString* error = nullptr);

struct TargetChoice {
  QString name;
  QString description;  // e.g. "Cortex-M4 · 100 MHz · 256 KiB SRAM" or the board's text
};

// Boards from `mcuprof targets --json` output; empty when it is not that JSON.
std::vector<TargetChoice> parse_targets_json(const QByteArray& json);
// Boards from the text table of `mcuprof targets` (header line, then one board a line).
std::vector<TargetChoice> parse_targets_text(const QByteArray& text);

}  // namespace mcuprof::gui
