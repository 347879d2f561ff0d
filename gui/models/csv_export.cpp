// Table model → CSV (see csv_export.hpp).
#include "csv_export.hpp"

#include <QStringList>

namespace mcuprof::gui {
namespace {

QString cell_text(const QVariant& v) {
  if (v.typeId() == QMetaType::Double) return QString::number(v.toDouble(), 'g', 15);
  return v.toString();
}

}  // namespace

QString csv_field(const QString& text) {
  const bool quote = text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
                     text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'));
  if (!quote) return text;
  QString out = text;
  out.replace(QLatin1String("\""), QLatin1String("\"\""));
  return QLatin1Char('"') + out + QLatin1Char('"');
}

QString table_to_csv(const QAbstractItemModel& model) {
  QString out;
  const int columns = model.columnCount();
  QStringList fields;
  for (int c = 0; c < columns; ++c)
    fields << csv_field(model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
  out += fields.join(QLatin1Char(',')) + QLatin1String("\r\n");
  for (int r = 0; r < model.rowCount(); ++r) {
    fields.clear();
    for (int c = 0; c < columns; ++c) {
      const QModelIndex index = model.index(r, c);
      QVariant v = model.data(index, Qt::UserRole);
      if (!v.isValid()) v = model.data(index, Qt::DisplayRole);
      fields << csv_field(cell_text(v));
    }
    out += fields.join(QLatin1Char(',')) + QLatin1String("\r\n");
  }
  return out;
}

}  // namespace mcuprof::gui
