// Per-patch table model (see patch_table_model.hpp).
#include "patch_table_model.hpp"

#include <QLocale>

namespace mcuprof::gui {

PatchTableModel::PatchTableModel(QObject* parent) : RowTableModel(ColumnCount, parent) {}

QVariant PatchTableModel::data(const QModelIndex& index, int role) const {
  const auto* p = index.isValid() ? patch_at(index.row()) : nullptr;
  if (p == nullptr) return {};
  if (role == Qt::UserRole) {
    switch (index.column()) {
      case Name:
        return QString::fromStdString(p->name);
      case Row:
        return QVariant::fromValue<qlonglong>(p->patch_row);
      case Col:
        return QVariant::fromValue<qlonglong>(p->patch_col);
      case Start:
        return QVariant::fromValue<qulonglong>(p->ts);
      case Cycles:
        return QVariant::fromValue<qulonglong>(p->cycles);
      case Ms:
        return p->ms;
      case Share:
        return p->share;
      case Macs:
        return QVariant::fromValue<qulonglong>(p->macs);
      case FlashData:
        return QVariant::fromValue<qulonglong>(p->flash_data_bytes);
      case SramPeak:
        return QVariant::fromValue<qulonglong>(p->sram_peak_bytes);
      default:
        return {};
    }
  }
  if (role == Qt::DisplayRole) {
    const QLocale locale;
    switch (index.column()) {
      case Name:
        return QString::fromStdString(p->name);
      case Row:
        return p->patch_row >= 0 ? QVariant(static_cast<qlonglong>(p->patch_row)) : QVariant();
      case Col:
        return p->patch_col >= 0 ? QVariant(static_cast<qlonglong>(p->patch_col)) : QVariant();
      case Start:
        return locale.toString(static_cast<qulonglong>(p->ts));
      case Cycles:
        return locale.toString(static_cast<qulonglong>(p->cycles));
      case Ms:
        return QString::number(p->ms, 'f', 3);
      case Share:
        return QString::number(100.0 * p->share, 'f', 1) + QStringLiteral(" %");
      case Macs:
        return locale.toString(static_cast<qulonglong>(p->macs));
      case FlashData:
        return locale.formattedDataSize(static_cast<qint64>(p->flash_data_bytes));
      case SramPeak:
        return locale.formattedDataSize(static_cast<qint64>(p->sram_peak_bytes));
      default:
        return {};
    }
  }
  if (role == Qt::TextAlignmentRole)
    return QVariant::fromValue(index.column() == Name ? (Qt::AlignLeft | Qt::AlignVCenter)
                                                      : (Qt::AlignRight | Qt::AlignVCenter));
  return {};
}

QVariant PatchTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name:
      return tr("Patch");
    case Row:
      return tr("Row");
    case Col:
      return tr("Col");
    case Start:
      return tr("Start (cycle)");
    case Cycles:
      return tr("Cycles");
    case Ms:
      return tr("ms");
    case Share:
      return tr("Share");
    case Macs:
      return tr("MACs");
    case FlashData:
      return tr("Flash data");
    case SramPeak:
      return tr("SRAM peak");
    default:
      return {};
  }
}

}  // namespace mcuprof::gui
