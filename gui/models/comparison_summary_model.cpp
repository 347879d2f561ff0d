// Headline comparison table model (see comparison_summary_model.hpp).
#include "comparison_summary_model.hpp"

#include "run_labels.hpp"

#include <QLocale>
#include <cmath>

namespace mcuprof::gui {
namespace {

QString format_value(HeadlineFigure::Unit unit, double v) {
  const QLocale locale;
  switch (unit) {
    case HeadlineFigure::Unit::Bytes:
      return locale.formattedDataSize(static_cast<qint64>(std::llround(v)));
    case HeadlineFigure::Unit::Milliseconds:
      return QString::number(v, 'f', 3);
    case HeadlineFigure::Unit::Count:
      return locale.toString(static_cast<qlonglong>(std::llround(v)));
    case HeadlineFigure::Unit::Ratio:
      return QString::number(v, 'f', 2);
    case HeadlineFigure::Unit::Text:
      return {};
  }
  return {};
}

QString format_delta(HeadlineFigure::Unit unit, double d) {
  if (unit == HeadlineFigure::Unit::Bytes) {
    const QString size =
        QLocale().formattedDataSize(static_cast<qint64>(std::llround(std::abs(d))));
    return d == 0 ? size : (d < 0 ? QStringLiteral("−") : QStringLiteral("+")) + size;
  }
  const QString text = format_value(unit, d);
  return d > 0 ? QStringLiteral("+") + text : text;
}

}  // namespace

QString run_title(const traces::RunRecord& run) {
  QString title =
      QStringLiteral("#%1 %2").arg(run.id).arg(QString::fromStdString(plot::run_display_name(run)));
  if (!run.schedule.empty())
    title += QStringLiteral(" (%1)").arg(QString::fromStdString(run.schedule));
  return title;
}

ComparisonSummaryModel::ComparisonSummaryModel(QObject* parent) : QAbstractTableModel(parent) {}

void ComparisonSummaryModel::set_runs(const traces::RunRecord& a, const traces::RunRecord& b) {
  beginResetModel();
  figures_ = headline_figures(a, b);
  name_a_ = run_title(a);
  name_b_ = run_title(b);
  endResetModel();
  emit headerDataChanged(Qt::Horizontal, A, B);
}

void ComparisonSummaryModel::clear() {
  beginResetModel();
  figures_.clear();
  name_a_.clear();
  name_b_.clear();
  endResetModel();
}

const HeadlineFigure* ComparisonSummaryModel::figure_at(int row) const {
  if (row < 0 || static_cast<size_t>(row) >= figures_.size()) return nullptr;
  return &figures_[static_cast<size_t>(row)];
}

int ComparisonSummaryModel::row_of(const std::string& label) const {
  for (size_t i = 0; i < figures_.size(); ++i)
    if (figures_[i].label == label) return static_cast<int>(i);
  return -1;
}

int ComparisonSummaryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(figures_.size());
}

int ComparisonSummaryModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant ComparisonSummaryModel::data(const QModelIndex& index, int role) const {
  const auto* f = index.isValid() ? figure_at(index.row()) : nullptr;
  if (f == nullptr) return {};
  const bool text = f->unit == HeadlineFigure::Unit::Text;
  const auto rel = f->relative_delta();
  if (role == Qt::UserRole) {
    switch (index.column()) {
      case Figure:
        return QString::fromStdString(f->label);
      case A:
        return text            ? QVariant(QString::fromStdString(f->text_a))
               : f->measured_a ? QVariant(f->a)
                               : QVariant();
      case B:
        return text            ? QVariant(QString::fromStdString(f->text_b))
               : f->measured_b ? QVariant(f->b)
                               : QVariant();
      case Delta:
        return f->has_delta() ? QVariant(f->delta()) : QVariant();
      case DeltaPct:
        return rel ? QVariant(*rel) : QVariant();
      default:
        return {};
    }
  }
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Figure:
        return QString::fromStdString(f->label);
      case A:
        return text            ? QString::fromStdString(f->text_a)
               : f->measured_a ? format_value(f->unit, f->a)
                               : QStringLiteral("n/a");
      case B:
        return text            ? QString::fromStdString(f->text_b)
               : f->measured_b ? format_value(f->unit, f->b)
                               : QStringLiteral("n/a");
      case Delta:
        return f->has_delta() ? format_delta(f->unit, f->delta()) : QString();
      case DeltaPct:
        return rel ? QStringLiteral("%1%2 %")
                         .arg(*rel > 0 ? QStringLiteral("+") : QString())
                         .arg(100.0 * *rel, 0, 'f', 1)
                   : QString();
      default:
        return {};
    }
  }
  if (role == Qt::TextAlignmentRole)
    return QVariant::fromValue(index.column() == Figure || text
                                   ? (Qt::AlignLeft | Qt::AlignVCenter)
                                   : (Qt::AlignRight | Qt::AlignVCenter));
  return {};
}

QVariant ComparisonSummaryModel::headerData(int section, Qt::Orientation orientation,
                                            int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Figure:
      return tr("Figure");
    case A:
      return name_a_.isEmpty() ? tr("A") : name_a_;
    case B:
      return name_b_.isEmpty() ? tr("B") : name_b_;
    case Delta:
      return tr("Δ (B − A)");
    case DeltaPct:
      return tr("Δ %");
    default:
      return {};
  }
}

}  // namespace mcuprof::gui
