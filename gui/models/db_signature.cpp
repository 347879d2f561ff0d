// Change signature of a trace database (see db_signature.hpp).
#include "db_signature.hpp"

#include <QDateTime>
#include <QFileInfo>

namespace mcuprof::gui {

QString database_signature(const QString& path) {
  const QFileInfo db(path);
  const QFileInfo wal(path + "-wal");
  return QStringLiteral("%1/%2/%3")
      .arg(db.size())
      .arg(db.lastModified().toMSecsSinceEpoch())
      .arg(wal.exists() ? wal.size() : 0);  // a reader may leave an empty WAL behind
}

}  // namespace mcuprof::gui
