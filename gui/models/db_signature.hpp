// When to re-read a trace database that changed on disk: a signature of what a writer
// changes (the WAL grows on commit; a checkpoint writes the database file) and a reader
// does not. SQLite touches the WAL file's modification time whenever a reader opens and
// closes it, so reacting to every change notification would make each read start the next.
#pragma once

#include <QString>

namespace mcuprof::gui {

// Database size and modification time, WAL size (0 when there is none: a reader may
// create an empty one).
QString database_signature(const QString& path);

}  // namespace mcuprof::gui
