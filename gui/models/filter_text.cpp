// The time filter bar's text (see filter_text.hpp).
#include "filter_text.hpp"

#include <QCoreApplication>
#include <QLocale>
#include <cmath>

namespace mcuprof::gui {
namespace {

QString cycles_text(std::pair<uint64_t, uint64_t> c) {
  const QLocale locale;
  return QStringLiteral("%1 – %2").arg(locale.toString(static_cast<qulonglong>(c.first)),
                                       locale.toString(static_cast<qulonglong>(c.second)));
}

QString tr(const char* text) {
  return QCoreApplication::translate("FilterText", text);
}

}  // namespace

QString axis_range_text(const AxisRange& r) {
  const double width = std::abs(r.hi - r.lo);
  switch (r.unit) {
    case plot::XUnit::Milliseconds: {
      const int decimals = width >= 100 ? 1 : width >= 1 ? 2 : 3;
      return QStringLiteral("%1 – %2 ms").arg(r.lo, 0, 'f', decimals).arg(r.hi, 0, 'f', decimals);
    }
    case plot::XUnit::Progress: {
      const int decimals = width >= 0.1 ? 1 : 2;
      return QStringLiteral("%1 – %2 %")
          .arg(r.lo * 100, 0, 'f', decimals)
          .arg(r.hi * 100, 0, 'f', decimals);
    }
    case plot::XUnit::Cycles:
      break;
  }
  const auto c = std::make_pair(static_cast<uint64_t>(std::llround(std::max(0.0, r.lo))),
                                static_cast<uint64_t>(std::llround(std::max(0.0, r.hi))));
  return cycles_text(c) + QStringLiteral(" cycles");
}

QString filter_bar_text(const std::optional<AxisRange>& axis, std::pair<uint64_t, uint64_t> cycles,
                        const FilterCounts& counts) {
  QString text;
  if (!axis || axis->unit == plot::XUnit::Cycles) {
    text = tr("Spans overlapping cycles %1").arg(cycles_text(cycles));
  } else {
    text = tr("Spans overlapping %1 (cycles %2 of the first run)")
               .arg(axis_range_text(*axis), cycles_text(cycles));
  }
  text += tr(": %1 of %2 layers").arg(counts.layers_shown).arg(counts.layers_total);
  if (counts.patches_total > 0)
    text += tr(", %1 of %2 patches").arg(counts.patches_shown).arg(counts.patches_total);
  return text;
}

}  // namespace mcuprof::gui
