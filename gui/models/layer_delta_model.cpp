// Per-layer comparison table model (see layer_delta_model.hpp).
#include "layer_delta_model.hpp"

#include <QLocale>
#include <cstdlib>

namespace mcuprof::gui {
namespace {

qlonglong signed_delta(uint64_t a, uint64_t b) {
  return static_cast<qlonglong>(b) - static_cast<qlonglong>(a);
}

QString signed_count(qlonglong d) {
  const QString text = QLocale().toString(d);
  return d > 0 ? QStringLiteral("+") + text : text;
}

QString signed_bytes(qlonglong d) {
  const QString size = QLocale().formattedDataSize(std::llabs(d));
  return d == 0 ? size : (d < 0 ? QStringLiteral("−") : QStringLiteral("+")) + size;
}

}  // namespace

LayerDeltaModel::LayerDeltaModel(QObject* parent) : RowTableModel(ColumnCount, parent) {}

QVariant LayerDeltaModel::data(const QModelIndex& index, int role) const {
  const auto* p = index.isValid() ? pair_at(index.row()) : nullptr;
  if (p == nullptr) return {};
  const auto& a = p->a;
  const auto& b = p->b;
  const bool both = a && b;
  const QString op = QString::fromStdString(a ? a->op : b ? b->op : std::string());
  const auto u = [](uint64_t v) { return QVariant::fromValue<qulonglong>(v); };
  if (role == Qt::UserRole) {
    switch (index.column()) {
      case Index:
        return QVariant::fromValue<qlonglong>(p->layer_index);
      case Name:
        return QString::fromStdString(p->name);
      case Op:
        return op;
      case CyclesA:
        return a ? u(a->cycles) : QVariant();
      case CyclesB:
        return b ? u(b->cycles) : QVariant();
      case CyclesDelta:
        return both ? QVariant(signed_delta(a->cycles, b->cycles)) : QVariant();
      case CyclesDeltaPct:
        return both && a->cycles > 0
                   ? QVariant(static_cast<double>(signed_delta(a->cycles, b->cycles)) /
                              static_cast<double>(a->cycles))
                   : QVariant();
      case MacsA:
        return a ? u(a->macs) : QVariant();
      case MacsB:
        return b ? u(b->macs) : QVariant();
      case SramA:
        return a ? u(a->sram_peak_bytes) : QVariant();
      case SramB:
        return b ? u(b->sram_peak_bytes) : QVariant();
      case SramDelta:
        return both ? QVariant(signed_delta(a->sram_peak_bytes, b->sram_peak_bytes)) : QVariant();
      default:
        return {};
    }
  }
  if (role == Qt::DisplayRole) {
    const QLocale locale;
    const QString none = QStringLiteral("–");
    const auto count = [&](const std::optional<traces::LayerRow>& r,
                           uint64_t traces::LayerRow::*f) {
      return r ? locale.toString(static_cast<qulonglong>((*r).*f)) : none;
    };
    const auto bytes = [&](const std::optional<traces::LayerRow>& r) {
      return r ? locale.formattedDataSize(static_cast<qint64>(r->sram_peak_bytes)) : none;
    };
    switch (index.column()) {
      case Index:
        return p->layer_index >= 0 ? QVariant(static_cast<qlonglong>(p->layer_index)) : QVariant();
      case Name:
        return QString::fromStdString(p->name);
      case Op:
        return op;
      case CyclesA:
        return count(a, &traces::LayerRow::cycles);
      case CyclesB:
        return count(b, &traces::LayerRow::cycles);
      case CyclesDelta:
        return both ? signed_count(signed_delta(a->cycles, b->cycles)) : QString();
      case CyclesDeltaPct: {
        const QVariant rel = data(index, Qt::UserRole);
        if (!rel.isValid()) return QString();
        const double v = 100.0 * rel.toDouble();
        return QStringLiteral("%1%2 %")
            .arg(v > 0 ? QStringLiteral("+") : QString())
            .arg(v, 0, 'f', 1);
      }
      case MacsA:
        return count(a, &traces::LayerRow::macs);
      case MacsB:
        return count(b, &traces::LayerRow::macs);
      case SramA:
        return bytes(a);
      case SramB:
        return bytes(b);
      case SramDelta:
        return both ? signed_bytes(signed_delta(a->sram_peak_bytes, b->sram_peak_bytes))
                    : QString();
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

QVariant LayerDeltaModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Index:
      return tr("#");
    case Name:
      return tr("Layer");
    case Op:
      return tr("Op");
    case CyclesA:
      return tr("Cycles A");
    case CyclesB:
      return tr("Cycles B");
    case CyclesDelta:
      return tr("Δ cycles");
    case CyclesDeltaPct:
      return tr("Δ %");
    case MacsA:
      return tr("MACs A");
    case MacsB:
      return tr("MACs B");
    case SramA:
      return tr("SRAM peak A");
    case SramB:
      return tr("SRAM peak B");
    case SramDelta:
      return tr("Δ SRAM peak");
    default:
      return {};
  }
}

}  // namespace mcuprof::gui
