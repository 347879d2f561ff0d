// Table model over the runs of a trace database (see run_list_model.hpp).
#include "run_list_model.hpp"

#include <QFileInfo>
#include <QLocale>

#include "axis_mapping.hpp"
#include "run_labels.hpp"

namespace mcuprof::gui {

RunListModel::RunListModel(QObject* parent) : RowTableModel(ColumnCount, parent) {}

QVariant RunListModel::data(const QModelIndex& index, int role) const {
  const auto* run = index.isValid() ? run_at(index.row()) : nullptr;
  if (run == nullptr) return {};
  const double latency_ms = run->clock_hz == 0 ? 0.0
                                               : static_cast<double>(run->total_cycles) * 1000.0 /
                                                     static_cast<double>(run->clock_hz);
  if (role == Qt::DisplayRole) {
    const QLocale locale;
    switch (index.column()) {
      case Id:
        return QVariant::fromValue<qlonglong>(run->id);
      case Name:
        return QString::fromStdString(plot::run_display_name(*run));
      case Model:
        return QFileInfo(QString::fromStdString(run->model_path)).fileName();
      case Schedule:
        return QString::fromStdString(run->schedule);
      case Target:
        return QString::fromStdString(run->target);
      case PeakSram:
        return run->peak_sram_bytes == 0 ? QString()
                                         : QString::fromStdString(plot::format_bytes(
                                               static_cast<double>(run->peak_sram_bytes)));
      case Firmware:
        return QFileInfo(QString::fromStdString(run->firmware_path)).fileName();
      case Status:
        if (run->status == "incomplete") return tr("incomplete");  // writer killed or running
        return run->stop_reason == "exited"
                   ? QStringLiteral("exit %1").arg(run->exit_code)
                   : QString::fromStdString(run->stop_reason +
                                            (run->fault.empty() ? "" : ": " + run->fault));
      case Cycles:
        return locale.toString(static_cast<qulonglong>(run->total_cycles));
      case LatencyMs:
        return QString::number(latency_ms, 'f', 3) + QStringLiteral(" ms");
      case Instructions:
        return locale.toString(static_cast<qulonglong>(run->instructions));
      case StartedAt:
        return QString::fromStdString(run->started_at);
      default:
        return {};
    }
  }
  if (role == Qt::UserRole) {  // raw values, for sorting and tests
    switch (index.column()) {
      case Id:
        return QVariant::fromValue<qlonglong>(run->id);
      case Cycles:
        return QVariant::fromValue<qulonglong>(run->total_cycles);
      case LatencyMs:
        return latency_ms;
      case PeakSram:
        return QVariant::fromValue<qulonglong>(run->peak_sram_bytes);
      case Instructions:
        return QVariant::fromValue<qulonglong>(run->instructions);
      default:
        return data(index, Qt::DisplayRole);
    }
  }
  if (role == Qt::TextAlignmentRole) {
    switch (index.column()) {
      case Id:
      case Cycles:
      case LatencyMs:
      case PeakSram:
      case Instructions:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      default:
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    }
  }
  if (role == Qt::ToolTipRole) {
    return QString::fromStdString(plot::run_display_name(*run) + "\n" +
                                  (run->model_path.empty() ? "" : run->model_path + "\n") +
                                  run->firmware_path + "\nsha256 " + run->firmware_sha256 + "\n" +
                                  run->cycle_model +
                                  (run->detail.empty() ? "" : "\n" + run->detail));
  }
  return {};
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Id:
      return tr("Run");
    case Name:
      return tr("Name");
    case Model:
      return tr("Model");
    case Schedule:
      return tr("Schedule");
    case Target:
      return tr("Board");
    case PeakSram:
      return tr("Peak");
    case Firmware:
      return tr("Firmware");
    case Status:
      return tr("Status");
    case Cycles:
      return tr("Cycles");
    case LatencyMs:
      return tr("Latency");
    case Instructions:
      return tr("Instructions");
    case StartedAt:
      return tr("Started (UTC)");
    default:
      return {};
  }
}

}  // namespace mcuprof::gui
