// A table model as CSV (RFC 4180): a header line from headerData, then one line per row.
// Cells take the raw value (Qt::UserRole) when the model gives one, else the display
// text, so numbers export unformatted; fields holding a comma, quote or line break are
// quoted with inner quotes doubled. Works on proxies, so it exports what the view shows.
#pragma once

#include <QAbstractItemModel>
#include <QString>

namespace mcuprof::gui {

QString csv_field(const QString& text);
QString table_to_csv(const QAbstractItemModel& model);

}  // namespace mcuprof::gui
