// Per-layer table model (see layer_table_model.hpp). Qt::UserRole gives raw numbers for
// sorting and tests; Qt::DisplayRole the formatted text.
#include "layer_table_model.hpp"

#include <QLocale>

namespace mcuprof::gui {

LayerTableModel::LayerTableModel(QObject* parent) : RowTableModel(ColumnCount, parent) {}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
  const auto* l = index.isValid() ? layer_at(index.row()) : nullptr;
  if (l == nullptr) return {};
  if (role == Qt::UserRole) {
    switch (index.column()) {
      case Index:
        return QVariant::fromValue<qlonglong>(l->layer_index);
      case Name:
        return QString::fromStdString(l->name);
      case Op:
        return QString::fromStdString(l->op);
      case Spans:
        return QVariant::fromValue<qulonglong>(l->spans);
      case Cycles:
        return QVariant::fromValue<qulonglong>(l->cycles);
      case Ms:
        return l->ms;
      case Share:
        return l->share;
      case Macs:
        return QVariant::fromValue<qulonglong>(l->macs);
      case CyclesPerMac:
        return l->cycles_per_mac;
      case FlashData:
        return QVariant::fromValue<qulonglong>(l->flash_data_bytes);
      case SramPeak:
        return QVariant::fromValue<qulonglong>(l->sram_peak_bytes);
      default:
        return {};
    }
  }
  if (role == Qt::DisplayRole) {
    const QLocale locale;
    switch (index.column()) {
      case Index:
        return l->layer_index >= 0 ? QVariant(static_cast<qlonglong>(l->layer_index)) : QVariant();
      case Name:
        return QString::fromStdString(l->name);
      case Op:
        return QString::fromStdString(l->op);
      case Spans:
        return locale.toString(static_cast<qulonglong>(l->spans));
      case Cycles:
        return locale.toString(static_cast<qulonglong>(l->cycles));
      case Ms:
        return QString::number(l->ms, 'f', 3);
      case Share:
        return QString::number(100.0 * l->share, 'f', 1) + QStringLiteral(" %");
      case Macs:
        return locale.toString(static_cast<qulonglong>(l->macs));
      case CyclesPerMac:
        return l->macs ? QString::number(l->cycles_per_mac, 'f', 2) : QString();
      case FlashData:
        return locale.formattedDataSize(static_cast<qint64>(l->flash_data_bytes));
      case SramPeak:
        return locale.formattedDataSize(static_cast<qint64>(l->sram_peak_bytes));
      default:
        return {};
    }
  }
  if (role == Qt::TextAlignmentRole)
    return QVariant::fromValue(index.column() == Name || index.column() == Op
                                   ? (Qt::AlignLeft | Qt::AlignVCenter)
                                   : (Qt::AlignRight | Qt::AlignVCenter));
  return {};
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Index:
      return tr("#");
    case Name:
      return tr("Layer");
    case Op:
      return tr("Op");
    case Spans:
      return tr("Spans");
    case Cycles:
      return tr("Cycles");
    case Ms:
      return tr("ms");
    case Share:
      return tr("Share");
    case Macs:
      return tr("MACs");
    case CyclesPerMac:
      return tr("Cycles/MAC");
    case FlashData:
      return tr("Flash data");
    case SramPeak:
      return tr("SRAM peak");
    default:
      return {};
  }
}

}  // namespace mcuprof::gui
